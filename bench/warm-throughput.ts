import { startBareApollo, BARE_QUERY_BODY } from './bare-apollo.js';
import { profiled } from './cpu-profile.js';
import { answeredAll, runLoad, type LoadResult } from './load.js';
import { GRAPHQL_HEADERS, startBenchService, timedVerification, verificationBody } from './service.js';
import type { BenchWorld } from './world.js';

export interface WarmThroughput {
  readonly serviceRequestsPerSecond: number;
  readonly bareApolloRequestsPerSecond: number;
  /** service ÷ bare Apollo, both measured in this run. */
  readonly ratio: number;
  /**
   * The same load on a service with answer replay off (`IMPRIMATUR_CACHE_RESPONSES_MAX_ENTRIES=0`):
   * every query executed by Apollo over cached registry data and verdicts. Not a target; shown so
   * the effect of the response cache is visible.
   */
  readonly executedRequestsPerSecond: number;
  readonly executedRatio: number;
  readonly serviceLatencyP99Ms: number;
  /** Registry requests made by one verification query right after the same query was answered. */
  readonly registryRequestsWarm: number;
  /** Registry requests made during the whole warm load, and how many queries that load answered. */
  readonly registryRequestsDuringLoad: number;
  readonly queriesDuringLoad: number;
  /** With `profilePath`: the busiest `src/` functions during an extra, unmeasured round. */
  readonly profileSummary?: readonly string[];
}

/** Load per measured round, and the rounds: alternating so drift on a shared machine hits both sides. */
const CONNECTIONS = 10;
const WARMUP_SECONDS = 2;
const ROUND_SECONDS = 5;
const ROUNDS = 2;

/**
 * Warm throughput: the seed query, asked once so everything it needs is cached, then repeated by
 * autocannon. The bare Apollo server answering `{ ok }` is measured in the same run, interleaved.
 */
export async function measureWarmThroughput(
  world: BenchWorld,
  profilePath?: string,
): Promise<WarmThroughput> {
  const service = await startBenchService(world);
  const executing = await startBenchService(world, { replayAnswers: false });
  const bare = await startBareApollo();
  try {
    await timedVerification(executing.url, world.seedRef);
    await timedVerification(service.url, world.seedRef);
    world.proxy.reset();
    await timedVerification(service.url, world.seedRef);
    const registryRequestsWarm = world.proxy.arrived();

    const serviceLoad = { url: `${service.url}/graphql`, body: verificationBody(world.seedRef) };
    const executingLoad = { url: `${executing.url}/graphql`, body: verificationBody(world.seedRef) };
    const bareLoad = { url: bare.url, body: BARE_QUERY_BODY };
    const load = (target: { url: string; body: string }, durationSeconds: number) =>
      runLoad({ ...target, headers: GRAPHQL_HEADERS, connections: CONNECTIONS, durationSeconds }).then(
        answeredAll,
      );
    // Warm-up rounds (JIT, connection pools) that are not counted.
    await load(bareLoad, WARMUP_SECONDS);
    await load(serviceLoad, WARMUP_SECONDS);
    await load(executingLoad, WARMUP_SECONDS);

    const bareRuns: LoadResult[] = [];
    const serviceRuns: LoadResult[] = [];
    const executingRuns: LoadResult[] = [];
    world.proxy.reset();
    for (let round = 0; round < ROUNDS; round += 1) {
      bareRuns.push(await load(bareLoad, ROUND_SECONDS));
      serviceRuns.push(await load(serviceLoad, ROUND_SECONDS));
    }
    const registryRequestsDuringLoad = world.proxy.arrived();
    // Not interleaved with the rounds above, so that the registry count above is the replaying
    // service's alone; a bare round right before keeps its ratio a same-moment figure too.
    const executingBareRuns: LoadResult[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      executingBareRuns.push(await load(bareLoad, ROUND_SECONDS));
      executingRuns.push(await load(executingLoad, ROUND_SECONDS));
    }
    await timedVerification(executing.url, world.seedRef);
    // The answers under load were 2xx; this checks one of them is still the right one.
    await timedVerification(service.url, world.seedRef);
    const profile =
      profilePath === undefined
        ? undefined
        : await profiled(profilePath, () => load(serviceLoad, ROUND_SECONDS));

    const serviceRps = mean(serviceRuns.map((r) => r.requestsPerSecond));
    const bareRps = mean(bareRuns.map((r) => r.requestsPerSecond));
    const executedRps = mean(executingRuns.map((r) => r.requestsPerSecond));
    const executedBareRps = mean(executingBareRuns.map((r) => r.requestsPerSecond));
    return {
      serviceRequestsPerSecond: serviceRps,
      bareApolloRequestsPerSecond: bareRps,
      ratio: serviceRps / bareRps,
      executedRequestsPerSecond: executedRps,
      executedRatio: executedRps / executedBareRps,
      serviceLatencyP99Ms: Math.max(...serviceRuns.map((r) => r.latencyP99Ms)),
      registryRequestsWarm,
      registryRequestsDuringLoad,
      queriesDuringLoad: serviceRuns.reduce((sum, r) => sum + r.total, 0),
      ...(profile === undefined ? {} : { profileSummary: profile.summary }),
    };
  } finally {
    await bare.stop();
    await service.stop();
    await executing.stop();
  }
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
