/**
 * The README's dialect table: per operation and dialect, whether the path is documented (with its source) or
 * assumed, from the sandbox's wire contract (src/sandbox/contract/). Kept apart from docs-lib.ts, which starts the
 * MCP server; this needs nothing but the contract.
 */
import { CONTRACT, DIALECTS, isComposed, type DialectWire } from '../src/sandbox/contract/index.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function dialectCell(wire: DialectWire): string {
  if ('assumed' in wire.source) return '**assumed** (current path and names)';
  const params = Object.values(wire.params);
  const assumed = params.filter((param) => 'assumed' in param.source).length;
  if (assumed === 0) return wire.source.doc;
  return `${wire.source.doc}; ${assumed === params.length ? 'names' : `${assumed} of ${params.length} names`} assumed`;
}

export function dialectTable(): string {
  const rows: string[][] = [];
  const documented = Object.fromEntries(DIALECTS.map((dialect) => [dialect, 0])) as Record<(typeof DIALECTS)[number], number>;
  let endpoints = 0;
  for (const [id, contract] of Object.entries(CONTRACT)) {
    if (isComposed(contract)) {
      const helper = `SDK-only helper, built from ${contract.composedOf.map((part) => `\`${part}\``).join(' and ')}`;
      rows.push([`\`${id}\``, helper, helper, helper]);
      continue;
    }
    endpoints++;
    for (const dialect of DIALECTS) if ('doc' in contract[dialect].source) documented[dialect]++;
    rows.push([`\`${id}\``, ...DIALECTS.map((dialect) => dialectCell(contract[dialect]))]);
  }
  const summary =
    `Documented paths: current ${documented.current} of ${endpoints}, classic ${documented.classic}, Dayan ${documented.dayan}; every other path\n` +
    `is assumed to be the current one. ${rows.length - endpoints} operations are SDK-only helpers with no endpoint of their own.`;
  return [summary, '', '| Operation | current | classic | dayan |', '| --- | --- | --- | --- |', ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)].join(
    '\n',
  );
}
