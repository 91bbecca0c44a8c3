import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_TOOLS } from '../src/tools/index.js';
import { TOOLSETS } from '../src/tools/toolsets.js';

/**
 * The layout rules that keep the design visible (docs/adding-an-interface.md): surfaces never reach into each
 * other's handlers, and only the farm API talks to the connector or knows the dialects.
 */

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

const FILES = sources(SRC).map((path) => ({ path, name: relative(SRC, path), text: readFileSync(path, 'utf8') }));

/** The src files a file imports, as paths relative to src (`tools/catalog/tasks.ts`). */
function importsOf(file: (typeof FILES)[number]): string[] {
  const pattern = /(?:^|\n)\s*(?:import|export)[^'"]*?from\s*'(\.[^']+)'|(?:^|\n)\s*import\s*'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;
  const specifiers = [...file.text.matchAll(pattern)].map((m) => m[1] ?? m[2] ?? m[3]!);
  return specifiers.map((specifier) => relative(SRC, resolve(dirname(file.path), specifier)).replace(/\.js$/, '.ts'));
}

const under = (prefix: string) => FILES.filter((file) => file.name.startsWith(prefix));
const violations = (files: typeof FILES, forbidden: (target: string, file: string) => boolean) =>
  files.flatMap((file) =>
    importsOf(file)
      .filter((target) => forbidden(target, file.name))
      .map((target) => `${file.name} imports ${target}`),
  );

describe('layout', () => {
  it('reads the imports of the source files (so the rules below can fail)', () => {
    expect(importsOf(FILES.find((f) => f.name === 'tools/index.ts')!)).toContain('tools/catalog/tasks.ts');
    expect(under('tools/catalog/').length).toBeGreaterThan(10);
  });

  it('keeps tool definitions apart: a catalog file imports no other, and only the flat index imports them', () => {
    const catalog = (target: string) => target.startsWith('tools/catalog/');
    expect(violations(under('tools/catalog/'), catalog)).toEqual([]);
    expect(
      violations(
        FILES.filter((f) => f.name !== 'tools/index.ts'),
        (target, file) => catalog(target) && !file.startsWith('tools/catalog/'),
      ),
    ).toEqual([]);
  });

  it('lets no resource, prompt or tool helper call a tool handler', () => {
    const handlerFiles = (target: string) => target.startsWith('tools/catalog/') || target === 'tools/index.ts';
    expect(violations([...under('resources/'), ...under('tools/support/')], handlerFiles)).toEqual([]);
    // Prompts read the index for tool names and policy only.
    expect(under('prompts/').flatMap((f) => [...f.text.matchAll(/\.handler\(/g)].map(() => f.name))).toEqual([]);
  });

  it('keeps the client below every surface', () => {
    expect(violations(under('client/'), (target) => !target.startsWith('client/'))).toEqual([]);
  });

  it('lets only the farm API send requests and know the dialects', () => {
    const surfaces = FILES.filter((f) => !f.name.startsWith('client/') && !f.name.startsWith('sandbox/'));
    const calls = surfaces.filter((f) => /\bconnector\.call\b|\.call<|\.call\(\s*'[a-z_]+'/.test(f.text)).map((f) => f.name);
    expect(calls).toEqual([]);
    const senders = under('client/').filter((f) => /\.call\(/.test(f.text) && f.name !== 'client/api/link.ts' && f.name !== 'client/connector.ts');
    expect(senders.map((f) => f.name)).toEqual([]);
    const dialect = /\.(scheme|domain)\s*(===|!==|\.includes|\.startsWith|\.endsWith)|'(classic|dayan)'/;
    expect(surfaces.filter((f) => dialect.test(f.text)).map((f) => f.name)).toEqual([]);
  });

  it('puts every tool in a known toolset, and every toolset to use', () => {
    for (const tool of ALL_TOOLS) expect(TOOLSETS, tool.name).toContain(tool.toolset);
    for (const toolset of TOOLSETS)
      expect(
        ALL_TOOLS.some((tool) => tool.toolset === toolset),
        toolset,
      ).toBe(true);
  });
});
