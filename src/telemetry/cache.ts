import { context, trace } from '@opentelemetry/api';
import { Attr } from './attributes.js';
import { metrics } from './metrics.js';
import { tallyCacheLookup } from './request-tally.js';
import { inSpan } from './tracer.js';

/**
 * Counts one cache look-up and notes it on the active span. `namespace` must be one of the cache's
 * fixed names (`manifests`, `tokens`...): it becomes a metric label, so it must never be a key, and
 * keys are not recorded at all, since they are built from references and, for some caches, from
 * things as sensitive as the scope of a token.
 */
export function recordCacheLookup(namespace: string, hit: boolean): void {
  metrics().cacheLookups.inc({ namespace, result: hit ? 'hit' : 'miss' });
  tallyCacheLookup(hit);
  trace.getSpan(context.active())?.addEvent('cache lookup', {
    [Attr.CACHE_NAMESPACE]: namespace,
    [Attr.CACHE_HIT]: hit,
  });
}

/**
 * Runs an asynchronous look-up (`undefined` = miss) in a `cache lookup <namespace>` span with
 * `imprimatur.cache.hit` set, and counts it. Use it around the store read only, not around the
 * computation that fills a miss, so the span measures the cache itself.
 */
export async function traceCacheLookup<T>(
  namespace: string,
  lookup: () => Promise<T | undefined>,
): Promise<T | undefined> {
  return inSpan(
    `cache lookup ${namespace}`,
    { attributes: { [Attr.CACHE_NAMESPACE]: namespace } },
    async (span) => {
      const value = await lookup();
      const hit = value !== undefined;
      span.setAttribute(Attr.CACHE_HIT, hit);
      metrics().cacheLookups.inc({ namespace, result: hit ? 'hit' : 'miss' });
      tallyCacheLookup(hit);
      return value;
    },
  );
}
