/**
 * Runs work with the same key one at a time, within this process. Used where WooCommerce offers no
 * way to make concurrent writes safe (two shipments of one order completing it at the same moment).
 */
const tails = new Map<string, Promise<unknown>>();

export async function withKeyedLock<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(work);
  const tail = run.catch(() => undefined);
  tails.set(key, tail);
  try {
    return await run;
  } finally {
    // The last one out cleans up, so the map does not grow with every order ever shipped.
    if (tails.get(key) === tail) tails.delete(key);
  }
}
