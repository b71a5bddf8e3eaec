import { performance } from 'node:perf_hooks';
import { startBenchService, timedVerification } from './service.js';
import type { BenchWorld } from './world.js';

export interface DistinctImages {
  readonly images: number;
  /** Registry requests for all of them together, on a fresh service. */
  readonly registryRequests: number;
  readonly seconds: number;
}

/** Like a dashboard listing many images: so many queries at a time. */
const CONCURRENCY = 10;

/**
 * Every distinct image of the world verified once on a fresh service (each must come back
 * VERIFIED, or the run fails): a check that the world is what the figures assume and that distinct
 * images are never answered from one another's cache entries, with what it cost the registry.
 */
export async function measureDistinctImages(world: BenchWorld): Promise<DistinctImages> {
  const service = await startBenchService(world);
  try {
    world.proxy.reset();
    const startedAt = performance.now();
    const queue = [...world.distinctRefs];
    const worker = async () => {
      for (let ref = queue.shift(); ref !== undefined; ref = queue.shift())
        await timedVerification(service.url, ref);
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return {
      images: world.distinctRefs.length,
      registryRequests: world.proxy.arrived(),
      seconds: (performance.now() - startedAt) / 1000,
    };
  } finally {
    await service.stop();
  }
}
