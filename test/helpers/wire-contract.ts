import {
  OPERATIONS,
  OPERATION_IDS,
  allowedValues,
  isRequired,
  pathFor,
  wireName,
  type OperationId,
  type WireParam as CatalogParam,
} from '../../src/client/operations.js';
import { CONTRACT, DIALECTS, endpointOf, isComposed, type Dialect, type WireParam } from '../../src/sandbox/contract/index.js';

const list = (values: readonly (string | number)[] | undefined) => (values?.length ? `[${[...values].join(', ')}]` : 'any');

/**
 * Every difference between the client's catalog (src/client/operations.ts, read through pathFor and wireName as
 * the connector does) and the sandbox's wire contract, one line each: paths per dialect, documented variants,
 * composition of SDK-only helpers, and for each wire name the handler name, type, required-ness, emptiness and
 * allowed values.
 */
export function catalogDiff(ids: readonly OperationId[] = OPERATION_IDS): string[] {
  const lines: string[] = [];
  for (const id of ids) {
    const operation = OPERATIONS[id];
    const contract = CONTRACT[id];
    if (isComposed(contract) || operation.composedOf) {
      const catalog = operation.composedOf ? [...operation.composedOf].sort().join(' + ') : 'an endpoint';
      const documented = isComposed(contract) ? [...contract.composedOf].sort().join(' + ') : 'an endpoint';
      if (catalog !== documented) lines.push(`${id} composedOf: catalog ${catalog}, contract ${documented}`);
      continue;
    }
    const variants = (paths: readonly string[]) => [...paths].sort().join(', ') || 'none';
    const catalogVariants = variants(operation.variants);
    const contractVariants = variants(DIALECTS.flatMap((dialect) => contract[dialect].variants.map((variant) => variant.path)));
    if (catalogVariants !== contractVariants) lines.push(`${id} variants: catalog ${catalogVariants}, contract ${contractVariants}`);
    for (const dialect of DIALECTS) {
      const wire = contract[dialect];
      const where = `${id} ${dialect}`;
      const path = pathFor(operation, dialect);
      if (path !== wire.path) lines.push(`${where} path: catalog ${path}, contract ${wire.path}`);
      const sent = new Map<string, { current: string; param: CatalogParam }>();
      for (const [current, param] of Object.entries(operation.params)) {
        const name = wireName(current, param, dialect);
        if (name !== null) sent.set(name, { current, param });
      }
      for (const name of new Set([...sent.keys(), ...Object.keys(wire.params)])) {
        const catalog = sent.get(name);
        const documented: WireParam | undefined = wire.params[name];
        if (!documented) lines.push(`${where} ${name}: sent by the catalog, not in the contract`);
        else if (!catalog) lines.push(`${where} ${name}: in the contract, not sent by the catalog`);
        else {
          const required = [isRequired(catalog.param, dialect), documented.required] as const;
          const fields: [string, unknown, unknown][] = [
            ['handler name', catalog.current, documented.as ?? name],
            ['type', catalog.param.type, documented.type],
            ['required', ...required],
            ['allowed', list(allowedValues(catalog.param, dialect)), list(documented.allowed)],
          ];
          // Emptiness only matters for a parameter both sides require.
          if (required[0] && required[1]) fields.push(['may be empty', Boolean(catalog.param.allowEmpty), Boolean(documented.allowEmpty)]);
          for (const [field, a, b] of fields) if (String(a) !== String(b)) lines.push(`${where} ${name} ${field}: catalog ${String(a)}, contract ${String(b)}`);
        }
      }
    }
  }
  return lines;
}

/** The operations whose path on a dialect no document gives, according to the contract (in catalog order). */
export function assumedPaths(dialect: Dialect): OperationId[] {
  return OPERATION_IDS.filter((id) => {
    const endpoint = endpointOf(id);
    return endpoint !== undefined && 'assumed' in endpoint[dialect].source;
  });
}
