/**
 * Runs in its own process (see `cache-memory.ts`) with `--expose-gc`: fills the service's memory
 * cache with `ENTRIES` distinct manifests and prints, as one JSON line, how much the process grew.
 */
import { createHash } from 'node:crypto';
import { createCache } from '../src/cache/index.js';
import { loadConfig } from '../src/config/index.js';
// Not part of the cache's public face: used only to count what an unbounded cache would hold.
import { serialize } from '../src/cache/serializer.js';
import type { CacheMemory } from './cache-memory.js';

const ENTRIES = Number(process.argv[2] ?? 100_000);

function settledRss(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  // Twice: the first pass can leave garbage reachable only from objects it finalised.
  gc();
  gc();
  return process.memoryUsage().rss;
}

/** A distinct ~1 KB OCI image manifest (about the size of the seed index), as the registry would send it. */
function manifestBytes(n: number): Uint8Array {
  // Unique per entry is all that matters for the digests inside; hashing them would only slow the fill.
  const hex = (s: string) => Buffer.from(s).toString('hex').padEnd(64, '0').slice(0, 64);
  return Buffer.from(
    JSON.stringify(
      {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: `sha256:${hex(`c${n}`)}`,
          size: 1469,
        },
        layers: [0, 1, 2].map((l) => ({
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: `sha256:${hex(`l${n}.${l}`)}`,
          size: 1000 + l,
        })),
        annotations: { 'org.opencontainers.image.source': `https://github.com/bench/app-${n}` },
      },
      null,
      2,
    ),
  );
}

const config = loadConfig({});
const cache = createCache(config.cache, { maxManifestBytes: config.registry.maxManifestBytes });
const before = settledRss();
let unboundedBytes = 0;
for (let n = 0; n < ENTRIES; n += 1) {
  const bytes = manifestBytes(n);
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const value = { bytes, mediaType: 'application/vnd.oci.image.manifest.v1+json' };
  const parts = ['registry.bench.test', `bench/app-${n % 500}`, digest];
  // What the store would hold for this entry without a bound, counted as the store counts (UTF-16).
  unboundedBytes += 2 * (JSON.stringify(parts).length + 40 + serialize(value).length);
  await cache.store.set('manifest', parts, value, config.cache.contentTtlSeconds * 1000);
}
const after = settledRss();
const health = cache.health();
const result: CacheMemory = {
  entriesWritten: ENTRIES,
  entriesHeld: health.memory.entries,
  bytesHeld: health.memory.bytes,
  maxEntries: config.cache.memoryMaxEntries,
  maxBytes: config.cache.memoryMaxBytes,
  unboundedBytes,
  rssGrowthBytes: after - before,
};
await cache.close();
console.log(JSON.stringify(result));
