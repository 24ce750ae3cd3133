/** A JSON response a page requested while it rendered (`scrape inspect --render`). */
export interface JsonRequest {
  method: string;
  url: string;
  status: number;
  /** Where the biggest list of objects is, as a headless.intercept.results_path / rest.results_field ("." for a top-level list). */
  resultsPath: string | null;
  /** Objects in that list. */
  items: number;
  /** Keys of its first object, for a field_map. */
  keys: string[];
  /** The keys name a title and a date: a likely event list. */
  looksLikeEvents: boolean;
}

const MAX_DEPTH = 4;
const NAME_KEY = /name|title|summary|headline/i;
const DATE_KEY = /date|start|time|when|begin/i;

/**
 * Where a JSON body keeps its list of records: the array of objects with the most elements,
 * searched breadth-first a few levels deep, with the keys of its first record. Pure.
 */
export function describeJsonBody(body: unknown): Pick<JsonRequest, 'resultsPath' | 'items' | 'keys' | 'looksLikeEvents'> {
  let found: { path: string; items: Record<string, unknown>[] } | undefined;
  const queue: { value: unknown; path: string[]; depth: number }[] = [{ value: body, path: [], depth: 0 }];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const { value, path, depth } = next;
    if (Array.isArray(value)) {
      const objects = value.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null && !Array.isArray(item));
      if (objects.length > 0 && objects.length > (found?.items.length ?? 0)) found = { path: path.length === 0 ? '.' : path.join('.'), items: objects };
      continue;
    }
    if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH) continue;
    for (const [key, child] of Object.entries(value)) queue.push({ value: child, path: [...path, key], depth: depth + 1 });
  }
  if (!found) return { resultsPath: null, items: 0, keys: [], looksLikeEvents: false };
  const keys = Object.keys(found.items[0] ?? {}).slice(0, 15);
  return {
    resultsPath: found.path,
    items: found.items.length,
    keys,
    looksLikeEvents: keys.some((k) => NAME_KEY.test(k)) && keys.some((k) => DATE_KEY.test(k)),
  };
}
