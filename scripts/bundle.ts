/**
 * `npm run bundle`: builds bundle/rayvision-mcp.mcpb, an MCP Bundle for Claude Desktop and other hosts. A clean
 * production build (scripts/build.ts) is staged in a temporary folder, so nothing stale ships. The build carries its
 * dependencies inside, so the bundle has no node_modules.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const output = join(root, 'bundle', 'rayvision-mcp.mcpb');
const stage = mkdtempSync(join(tmpdir(), 'rayvision-mcp-bundle-'));
const run = (command: string, args: string[], cwd = root) => execFileSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });

try {
  process.stderr.write(`staging in ${stage}\n`);
  run(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'scripts/build.ts'), '--outdir', join(stage, 'dist')]);
  for (const file of ['manifest.json', 'icon.png', 'package.json', 'README.md', 'LICENSE']) {
    if (existsSync(join(root, file))) copyFileSync(join(root, file), join(stage, file));
  }
  mkdirSync(join(root, 'bundle'), { recursive: true });
  rmSync(output, { force: true });
  run(process.execPath, [join(root, 'node_modules/@anthropic-ai/mcpb/dist/cli/cli.js'), 'pack', stage, output]);
  process.stderr.write(`\nbundle: ${output} (${(statSync(output).size / 1024 / 1024).toFixed(1)} MiB)\n`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
