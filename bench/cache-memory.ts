import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What `cache-memory-child.ts` reports. */
export interface CacheMemory {
  readonly entriesWritten: number;
  /** Entries and accounted bytes in the memory store at the end. */
  readonly entriesHeld: number;
  readonly bytesHeld: number;
  /** The configured bounds (the service's defaults). */
  readonly maxEntries: number;
  readonly maxBytes: number;
  /** Accounted bytes of all entries written: what an unbounded cache would hold. */
  readonly unboundedBytes: number;
  /** Resident set growth after a full GC, before vs after writing every entry. */
  readonly rssGrowthBytes: number;
}

export const CACHE_ENTRIES = 100_000;

/**
 * Fills the memory cache in a separate process: the bench process holds the registry world, HTTP
 * servers and load results, and their memory would swamp (or hide) the cache's.
 */
export async function measureCacheMemory(): Promise<CacheMemory> {
  const child = fileURLToPath(new URL('./cache-memory-child.ts', import.meta.url));
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', child, String(CACHE_ENTRIES)],
    {
      maxBuffer: 1024 * 1024,
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as CacheMemory;
}
