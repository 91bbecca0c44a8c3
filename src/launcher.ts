/**
 * The `rayvision-mcp` command as built (dist/cli.js; scripts/build.ts): what every launch path starts, whatever
 * flags its `node` was given. Three things happen before the server's code is loaded (dist/main.cjs, src/cli.ts):
 *
 * 1. The heap is told to stay small. With Node's defaults V8 doubles the young generation under a burst of calls
 *    and lets the old one fill with garbage before collecting: 170 MB after 10,000 calls whose live heap is 21 MB.
 *    `--max-semi-space-size` only works on the command line, but these two are read each time V8 sizes its
 *    generations, so setting them here, before anything is allocated, bounds every launch path (bench: memory).
 * 2. A V8 code cache, so that a start deserialises the functions it runs instead of compiling them: Node's own
 *    (`module.enableCompileCache`, Node 22.1 and later), or on Node 20 the same thing by hand for this package's
 *    files (Node 20 has no cache for ES modules, which is why the build emits CommonJS).
 * 3. `require('./main.cjs')`.
 *
 * NODE_DISABLE_COMPILE_CACHE=1 turns the cache off, NODE_COMPILE_CACHE=<dir> moves it, as they do for Node's own.
 */
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';

// Semi-spaces stay at their initial size (young collections stay cheap and short), and the old generation may grow
// by half of what survived a collection before the next one instead of V8's default of up to double.
setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--heap-growing-percent=50');

/** Content hashes of the built files, written in by the build: part of each cache file's name. */
declare const __RAYVISION_BUILD_HASHES__: Record<string, string>;

type Loader = (module: Module, filename: string) => void;
interface InternalModule {
  _extensions: Record<string, Loader>;
}

const enableCompileCache = (Module as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
if (!process.env['NODE_DISABLE_COMPILE_CACHE']) {
  if (enableCompileCache) enableCompileCache();
  else {
    const cacheDir = privateDirectory(
      process.env['NODE_COMPILE_CACHE'] || join(tmpdir(), `rayvision-mcp-compile-cache${process.getuid ? `-${process.getuid()}` : ''}`),
    );
    if (cacheDir) installCodeCache(__dirname, cacheDir);
  }
}
require('./main.cjs');

/**
 * The directory if this user owns it and nobody else can write to it (a cache is code this process will run);
 * otherwise no cache at all.
 */
function privateDirectory(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    if (!stat.isDirectory()) return undefined;
    if (process.getuid && (stat.uid !== process.getuid() || (stat.mode & 0o022) !== 0)) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/**
 * Compiles this package's .cjs files (main.cjs, and undici.cjs on the first farm call) through vm.Script with cached
 * data. A file with no cache yet, or one V8 rejects (another Node version, other V8 flags), is compiled as usual
 * and its cache is written once: a second after the file was loaded, or when the process exits if that is sooner.
 * By then a client has had its initialize and tools/list answered, so the cache holds what a start runs. Not
 * later: V8 drops the bytecode of functions that have not run for a few collections, and a cache written after a
 * busy session would miss the start-up code it is for (a start from it measured 4 MB more RSS and slower).
 */
function installCodeCache(distDir: string, cacheDir: string): void {
  // V8 rejects a cache made under other flags; runs with other flags (--expose-gc, --cpu-prof) keep their own.
  const flagsKey = fnv1a(`${process.execArgv.join(' ')}\0${process.env['NODE_OPTIONS'] ?? ''}`);
  const extensions = (Module as unknown as InternalModule)._extensions;
  const plain = extensions['.js']!;
  extensions['.cjs'] = (module, filename) => {
    const hash = dirname(filename) === distDir ? __RAYVISION_BUILD_HASHES__[basename(filename)] : undefined;
    if (!hash) return plain(module, filename);
    const name = basename(filename);
    const cacheFile = join(cacheDir, `${name}-${hash}-${flagsKey}.v8`);
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
    // latin1: the build writes these files in ASCII only (scripts/build.ts), and latin1 skips UTF-8 decoding (~1 ms).
    const source = readFileSync(filename, 'latin1');
    const script = new Script(Module.wrap(source), { filename, ...(cachedData ? { cachedData } : {}) });
    if (!cachedData || script.cachedDataRejected) writeLater(script, cacheDir, name, cacheFile);
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => void;
    wrapper.call(module.exports, module.exports, Module.createRequire(filename), module, filename, dirname(filename));
  };
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

const WEEK_MS = 7 * 24 * 3600 * 1000;

function writeLater(script: Script, cacheDir: string, name: string, cacheFile: string): void {
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    try {
      // Caches of other builds of this file written over a week ago (one still in use is simply written again).
      for (const old of readdirSync(cacheDir)) {
        const path = join(cacheDir, old);
        if (old.startsWith(`${name}-`) && path !== cacheFile && Date.now() - statSync(path).mtimeMs > WEEK_MS) rmSync(path, { force: true });
      }
      const temporary = `${cacheFile}.${process.pid}`;
      const fd = openSync(temporary, 'w', 0o600);
      try {
        writeSync(fd, script.createCachedData());
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, cacheFile);
    } catch {
      // A cache that cannot be written only means the next start compiles again.
    }
  };
  setTimeout(write, 1000).unref();
  process.once('exit', write);
}
