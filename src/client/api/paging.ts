/** The `data` of a list operation as the farm sends it (seed 002 §1.3). */
export interface Paged<T> {
  pageCount?: number;
  pageNum?: number;
  total?: number;
  size?: number;
  items?: T[] | null;
}

/** One page, normalised: `items` is always a list, `total` the farm's or, when it gives none, the items counted. */
export interface Page<T> {
  items: T[];
  total: number;
  /** Whether the farm gave a total. */
  totalKnown: boolean;
}

export function pageOf<T>(data: Paged<T> | null | undefined): Page<T> {
  const items = data?.items ?? [];
  const totalKnown = typeof data?.total === 'number';
  return { items, total: totalKnown ? data!.total! : items.length, totalKnown };
}

export interface RestOptions {
  pageSize: number;
  /** Pages read at most, the first one included. */
  maxPages: number;
  /** Called after the first page and after each later one, with the items fetched so far and the total. */
  onPage?: (fetched: number, total: number) => void | Promise<void>;
}

/**
 * Every page of a list: the first page gives the total, and the pages after it are asked for together (the connector
 * bounds how many are in flight). `planned` is the number of pages read, the first one included.
 */
export async function withRest<T>(
  first: Page<T>,
  ask: (pageNum: number) => Promise<Page<T>>,
  options: RestOptions,
): Promise<{ pages: T[][]; planned: number }> {
  let fetched = first.items.length;
  await options.onPage?.(fetched, first.total);
  const planned = Math.min(options.maxPages, Math.ceil(first.total / options.pageSize));
  const rest = await Promise.all(
    Array.from({ length: Math.max(0, planned - 1) }, async (_, i) => {
      const { items } = await ask(i + 2);
      fetched += items.length;
      await options.onPage?.(fetched, first.total);
      return items;
    }),
  );
  return { pages: [first.items, ...rest], planned };
}
