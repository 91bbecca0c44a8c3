import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillManifest, fillRegions, manifestText, readSurface, regions, type Manifest, type Surface } from '../scripts/docs-lib.js';
import { CLI, ROOT, ensureBuilt } from './helpers/built.js';
import { startHarness, type Harness } from './helpers/harness.js';

const README = readFileSync(`${ROOT}README.md`, 'utf8');
const STALE = 'is out of date with the code: run `npm run docs` and commit the result';

/** The rows of the generated table between a region's markers, as arrays of cells. */
function regionRows(name: string): string[][] {
  const start = README.indexOf(`<!-- BEGIN GENERATED: ${name}`);
  const end = README.indexOf(`<!-- END GENERATED: ${name}`);
  expect(start, `README.md has no ${name} region`).toBeGreaterThanOrEqual(0);
  return README.slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'))
    .slice(1)
    .map((line) => line.slice(2, -2).split(' | '));
}

const unquote = (cell: string) => cell.replace(/^`|`$/g, '');

let surface: Surface;
let harness: Harness;

beforeAll(async () => {
  ensureBuilt();
  surface = await readSurface();
  harness = await startHarness();
});

afterAll(async () => {
  await harness.close();
});

describe('README', () => {
  it('has every generated region as `npm run docs` would write it', () => {
    expect(fillRegions(README, regions(surface)), `README.md ${STALE}`).toBe(README);
  });

  it('lists exactly the tools a client sees in tools/list, with their toolset and kind', async () => {
    const { tools } = await harness.client.listTools();
    const rows = regionRows('tools');
    expect(rows.map((row) => unquote(row[0]!))).toEqual(tools.map((tool) => tool.name));
    for (const [index, tool] of tools.entries()) {
      const kind = rows[index]![2]!;
      expect(kind.startsWith('read-only'), tool.name).toBe(tool.annotations?.readOnlyHint === true);
      expect(kind.startsWith('destructive'), tool.name).toBe(tool.annotations?.destructiveHint === true);
    }
  });

  it('lists exactly the prompts a client sees in prompts/list', async () => {
    const served = harness.client.getServerCapabilities()?.prompts ? (await harness.client.listPrompts()).prompts.map((p) => p.name) : [];
    const start = README.indexOf('<!-- BEGIN GENERATED: prompts');
    const shown = served.length ? regionRows('prompts').map((row) => unquote(row[0]!)) : [];
    expect(shown).toEqual(served);
    if (!served.length) expect(README.slice(start, README.indexOf('<!-- END GENERATED: prompts'))).toMatch(/no prompts yet/);
  });

  it('documents every flag of --help and every RAYVISION_ variable the sources read', () => {
    const rows = regionRows('options');
    const help = execFileSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    const helpFlags = [...help.matchAll(/^ {2}--([a-z][a-z-]*)/gm)].map((m) => m[1]).filter((flag) => flag !== 'help' && flag !== 'version');
    const tableFlags = rows
      .map((row) => row[2]!)
      .filter((cell) => cell.startsWith('`--'))
      .map((cell) => unquote(cell).slice(2));
    expect(tableFlags.sort()).toEqual([...new Set(helpFlags)].sort());

    const sources: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts')) sources.push(readFileSync(path, 'utf8'));
      }
    };
    walk(`${ROOT}src`);
    const mentioned = new Set(sources.flatMap((text) => [...text.matchAll(/\bRAYVISION_[A-Z_]+[A-Z]\b/g)].map((m) => m[0])));
    const documented = new Set(rows.map((row) => unquote(row[1]!)));
    expect([...mentioned].filter((name) => !documented.has(name))).toEqual([]);
    for (const secret of ['RAYVISION_API_ACCESS_KEY', 'RAYVISION_HTTP_TOKEN', 'RAYVISION_CONFIRMATION_SECRET']) {
      expect(rows.find((row) => unquote(row[1]!) === secret)?.[2]).toBe('none (secret)');
    }
  });

  it('keeps the two commands CI runs, and the sections a newcomer needs', () => {
    expect(README).toContain('## Two commands');
    expect(README).toContain('npm ci && npm test');
    expect(README).toContain('npm ci && npm start -- --sandbox');
    for (const heading of [
      '### Claude Desktop: bundle',
      '### Claude Desktop: JSON',
      '### Claude Code',
      '### VS Code',
      '### Cursor',
      '## Safety model',
      '## The sandbox',
      '## Troubleshooting',
    ]) {
      expect(README).toContain(`\n${heading}\n`);
    }
  });
});

describe('manifest.json lists', () => {
  it('are as `npm run docs` would write them', () => {
    const text = readFileSync(`${ROOT}manifest.json`, 'utf8');
    expect(manifestText(fillManifest(JSON.parse(text) as Manifest, surface)), `manifest.json ${STALE}`).toBe(text);
  });
});
