/**
 * Maps `items` through `task` with at most `limit` tasks in flight, results in input order.
 *
 * A signature manifest may list up to 1000 layers: one request each, all at once, would be a burst
 * a registry rate-limits (turning a signed image into an error) and a lot of memory held at once.
 * The first rejection stops new tasks from starting and is re-thrown once running ones settle.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  const settled = await Promise.allSettled(workers);
  const rejection = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejection !== undefined) throw rejection.reason;
  return results;
}
