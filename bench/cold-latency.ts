import { performance } from 'node:perf_hooks';
import type { ObservedRequest } from './counting-proxy.js';
import { replayInWaves, replaySequentially, waves } from './plain-replay.js';
import { startBenchService, timedVerification } from './service.js';
import type { BenchWorld } from './world.js';

export interface ColdLatency {
  readonly samples: number;
  /** Median time of one verification query on a service that has seen nothing yet, in ms. */
  readonly serviceMedianMs: number;
  /**
   * Median time of fetching the same registry objects with a plain client: the median of whichever
   * replay (dependency waves, or one by one over one connection) has the lower median in this run,
   * so the service is held to the better of two plain clients.
   */
  readonly plainMedianMs: number;
  /** service ÷ plain: the figure. */
  readonly ratio: number;
  /** Medians of each replay on its own. */
  readonly plainWavesMedianMs: number;
  readonly plainSequentialMedianMs: number;
  /**
   * Until 2026-12-02 the plain side was, per sample, the faster of the two replays, and the figure
   * the median of that. A minimum of two tries is no plain client's time: it reads 3–14 % below
   * either replay's own median, while the service gets one try. Kept for comparison with older runs.
   */
  readonly plainBestOfTwoMedianMs: number;
  readonly ratioAgainstBestOfTwo: number;
  /**
   * Where the service's time goes (medians): before its first registry request (parsing, planning)
   * and after the last registry answer (verification, serialising the answer).
   */
  readonly beforeFirstFetchMedianMs: number;
  readonly afterLastFetchMedianMs: number;
  /** How many dependency waves the service's fetches formed (median sample). */
  readonly waves: number;
  /** Registry requests of one cold query: the most any sample made (they are normally all equal). */
  readonly registryRequestsCold: number;
  /** `METHOD path → status` of the first sample, for the README and for debugging. */
  readonly requestLog: readonly string[];
}

export const COLD_SAMPLES = 41;

/**
 * Each sample starts a new service (new registry client, new cache, no connections), asks it once
 * about the seed, records what it fetched through the proxy, stops it, and then fetches exactly that
 * list with a plain client. Service and replay alternate, so a noisy moment hits both sides.
 * The first sample also pays for JIT warm-up of the verification path; the median absorbs it.
 */
export async function measureColdLatency(world: BenchWorld): Promise<ColdLatency> {
  const serviceMs: number[] = [];
  const bestOfTwoMs: number[] = [];
  const wavesMs: number[] = [];
  const sequentialMs: number[] = [];
  const waveCounts: number[] = [];
  const beforeFirst: number[] = [];
  const afterLast: number[] = [];
  const counts: number[] = [];
  let firstLog: ObservedRequest[] | undefined;
  for (let n = 0; n < COLD_SAMPLES; n += 1) {
    const service = await startBenchService(world);
    let log: ObservedRequest[];
    try {
      world.proxy.reset();
      // The proxy runs in this process, so its timestamps share this clock.
      const askedAt = performance.now();
      serviceMs.push(await timedVerification(service.url, world.seedRef));
      const answeredAt = performance.now();
      log = [...world.proxy.requests];
      if (log.length > 0) {
        beforeFirst.push(Math.min(...log.map((r) => r.startedAt)) - askedAt);
        afterLast.push(answeredAt - Math.max(...log.map((r) => r.endedAt)));
      }
      counts.push(world.proxy.arrived());
    } finally {
      await service.stop();
    }
    firstLog ??= log;
    waveCounts.push(waves(log).length);
    const inWaves = await replayInWaves(world.proxy.url, log);
    const oneByOne = await replaySequentially(world.proxy.url, log);
    wavesMs.push(inWaves);
    sequentialMs.push(oneByOne);
    bestOfTwoMs.push(Math.min(inWaves, oneByOne));
  }
  const serviceMedianMs = median(serviceMs);
  const plainWavesMedianMs = median(wavesMs);
  const plainSequentialMedianMs = median(sequentialMs);
  const plainMedianMs = Math.min(plainWavesMedianMs, plainSequentialMedianMs);
  const plainBestOfTwoMedianMs = median(bestOfTwoMs);
  return {
    samples: COLD_SAMPLES,
    serviceMedianMs,
    plainMedianMs,
    ratio: serviceMedianMs / plainMedianMs,
    plainWavesMedianMs,
    plainSequentialMedianMs,
    plainBestOfTwoMedianMs,
    ratioAgainstBestOfTwo: serviceMedianMs / plainBestOfTwoMedianMs,
    beforeFirstFetchMedianMs: beforeFirst.length === 0 ? 0 : median(beforeFirst),
    afterLastFetchMedianMs: afterLast.length === 0 ? 0 : median(afterLast),
    waves: median(waveCounts),
    registryRequestsCold: Math.max(...counts),
    requestLog: (firstLog ?? []).map((r) => `${r.method} ${r.path} → ${r.status}`),
  };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
