/**
 * `npm run build`: the production build in dist/, which every launch path runs (the `rayvision-mcp` command and
 * npx, `node dist/cli.js`, the MCP bundle, the container) and every test that spawns the server starts.
 *
 *   dist/cli.js                     the command (src/launcher.ts): V8 memory flags, the code cache, then main.cjs
 *   dist/main.cjs                   the server: src/cli.ts with zod, the MCP SDK, hono and everything else it imports
 *   dist/undici.cjs                 undici, required on the first farm call
 *   dist/sdk-shims.cjs              stands in for the SDK's `_shims` (src/server/sdk-shims.cts)
 *   dist/json-schema-validator.cjs  the SDK's AJV validator, required only if the SDK ever asks for one
 *   dist/package.json               {"type": "commonjs"} for the files above
 *   dist/THIRD_PARTY_LICENSES.txt   the licences of the packages bundled in
 *
 * Why this shape (bench/RESULTS.md has the figures):
 * - One bundle instead of ~150 modules resolved and read one by one; CommonJS because Node 20 has no code cache
 *   for ES modules, and a start that deserialises its functions instead of compiling them is the largest saving
 *   after bundling (src/launcher.ts).
 * - undici (1 MB) is a file of its own: it depends on nothing but Node, so nothing is duplicated, and a start never
 *   reads it. The HTTP server and the sandbox share classes with the rest (the SDK's, ConfigError), so they stay in
 *   main.cjs, where esbuild evaluates a module only when it is first imported and V8 compiles a function only when
 *   it first runs: they cost bytes on disk, not start time.
 * - Left out: zod's 60-odd locales (nothing here calls z.config or z.locales; English stays), and the SDK's AJV
 *   validator from the start (see sdk-shims.cts). tools/list's JSON Schemas are derived here, once, with the same
 *   function the server uses when it runs from source (src/tools/registry.ts; checked by test/build.test.ts).
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { ALL_TOOLS } from '../src/tools/index.js';
import { toolSchemas } from '../src/tools/registry.js';

const root = fileURLToPath(new URL('../', import.meta.url));
// --outdir: somewhere else than dist/ (scripts/bundle.ts stages the MCP bundle without touching the dist/ tests use).
const { values: cli } = parseArgs({ options: { outdir: { type: 'string' } } });
const dist = cli.outdir ? resolve(cli.outdir) : join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

/** Requires that stay requires, resolved next to the requiring file at run time. */
const SIBLINGS: Record<string, string> = {
  undici: './undici.cjs',
  '@modelcontextprotocol/server/_shims': './sdk-shims.cjs',
  './json-schema-validator.cjs': './json-schema-validator.cjs',
  './main.cjs': './main.cjs',
};

const trim: Plugin = {
  name: 'rayvision-trim',
  setup(build) {
    build.onResolve({ filter: /^(undici|@modelcontextprotocol\/server\/_shims|\.\/json-schema-validator\.cjs|\.\/main\.cjs)$/ }, (args) => ({
      path: SIBLINGS[args.path]!,
      external: true,
    }));
    // zod's `locales` namespace is the only importer of the other locales; English is imported on its own.
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[/\\]node_modules[/\\]zod[/\\]/.test(args.importer) ? { path: join(dirname(args.importer), '../locales/en.js'), namespace: 'zod-locales' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
    }));
    // version.ts reads package.json relative to its own file, which a bundle moves; the build knows the version.
    build.onLoad({ filter: /[/\\]src[/\\]server[/\\]version\.ts$/ }, () => ({
      contents: `export const VERSION = ${JSON.stringify(pkg.version)};`,
      loader: 'ts',
    }));
  },
};

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20.18',
  // import() becomes require(): Node's CommonJS loader, which the code cache covers, instead of the ES loader.
  supported: { 'dynamic-import': false },
  // Whitespace and syntax only: names stay, so stack traces and `error.name` read as in the source.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  plugins: [trim],
};

async function bundle(entry: string, out: string, extra: BuildOptions = {}): Promise<Metafile> {
  const result = await build({ ...common, ...extra, entryPoints: [entry], outfile: join(dist, out) });
  // src/cli.ts's #! line, which esbuild keeps, would be a syntax error inside the CommonJS wrapper of a required file.
  const file = join(dist, out);
  let text = readFileSync(file, 'utf8');
  if (out !== 'cli.js' && text.startsWith('#!')) text = text.slice(text.indexOf('\n') + 1);
  // V8 keeps a script's source for compiling its functions lazily, and one character outside Latin-1 makes it store
  // the whole file two bytes a character (main.cjs: 2.4 MB of heap instead of 1.2). esbuild escapes strings and
  // templates but not regular-expression literals (retry.ts's Chinese log words); \uXXXX means the same there.
  text = text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  rmSync(file);
  writeFileSync(file, text);
  return result.metafile!;
}

const started = Date.now();
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);
writeFileSync(join(dist, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);

const schemas = Object.fromEntries(ALL_TOOLS.map((tool) => [tool.name, toolSchemas(tool)]));
const metafiles = [
  await bundle(join(root, 'src/cli.ts'), 'main.cjs', { define: { __RAYVISION_TOOL_SCHEMAS__: JSON.stringify(JSON.stringify(schemas)) } }),
  await bundle(join(root, 'node_modules/undici/index.js'), 'undici.cjs'),
  await bundle(join(root, 'src/server/sdk-shims.cts'), 'sdk-shims.cjs'),
  await bundle('@modelcontextprotocol/server/validators/ajv', 'json-schema-validator.cjs'),
];
const hashes = Object.fromEntries(
  readdirSync(dist)
    .filter((file) => file.endsWith('.cjs'))
    .map((file) => [
      file,
      createHash('sha256')
        .update(readFileSync(join(dist, file)))
        .digest('hex')
        .slice(0, 16),
    ]),
);
await bundle(join(root, 'src/launcher.ts'), 'cli.js', {
  define: { __RAYVISION_BUILD_HASHES__: JSON.stringify(hashes) },
  banner: { js: '#!/usr/bin/env node' },
});
// Runnable by name, as `npm install -g` would make it.
chmodSync(join(dist, 'cli.js'), 0o755);
writeFileSync(join(dist, 'THIRD_PARTY_LICENSES.txt'), licences(metafiles));

const sizes = readdirSync(dist).map((file) => `${file} ${(readFileSync(join(dist, file)).length / 1024).toFixed(0)} KB`);
process.stderr.write(`build: ${sizes.join(', ')} (${Date.now() - started} ms)\n`);

/** The licence of every package with code in the bundles, as the package ships it. */
function licences(metas: Metafile[]): string {
  const packages = new Set<string>();
  for (const meta of metas) {
    for (const input of Object.keys(meta.inputs)) {
      const match = /(?:^|[/\\])node_modules[/\\]((?:@[^/\\]+[/\\])?[^/\\]+)/.exec(input);
      if (match) packages.add(match[1]!.replace(/\\/g, '/'));
    }
  }
  const sections = [...packages].sort().map((name) => {
    const dir = join(root, 'node_modules', name);
    const info = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string; license?: string };
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = file ? readFileSync(join(dir, file), 'utf8').trim() : `License: ${info.license ?? 'not stated'}`;
    return `${name} ${info.version} (${info.license ?? 'no licence field'})\n\n${text}\n`;
  });
  const header = `rayvision-mcp ${pkg.version} bundles the following packages into its .cjs files. Each is distributed under its own licence, reproduced here.\n`;
  return [header, ...sections].join(`\n${'-'.repeat(78)}\n\n`);
}
