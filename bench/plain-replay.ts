import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import type { ObservedRequest } from './counting-proxy.js';

/**
 * Fetching exactly what the service fetched, with a plain HTTP client and no work on the answers:
 * the time a cold verification could not go below, on this machine, in this run.
 *
 * Two replays, and the ratio takes the one with the lower median. One by one over a single connection
 * pays a round trip per object but never opens a second connection. In dependency waves, what the
 * service fetched concurrently is fetched concurrently: a request goes in the wave after the latest
 * request that had finished before it started (all at once would ignore that a layer digest comes
 * from a manifest). Waves keep the service's own schedule, so a needlessly serial service is not
 * penalised by them; that shows instead as the wave count and in the one-by-one time.
 */
export function waves(observed: readonly ObservedRequest[]): ObservedRequest[][] {
  const byStart = [...observed].sort((a, b) => a.startedAt - b.startedAt);
  const level = new Map<ObservedRequest, number>();
  for (const r of byStart) {
    let depth = 0;
    for (const earlier of byStart) {
      if (earlier.endedAt <= r.startedAt) depth = Math.max(depth, (level.get(earlier) ?? 0) + 1);
    }
    level.set(r, depth);
  }
  const grouped: ObservedRequest[][] = [];
  for (const r of byStart) (grouped[level.get(r) ?? 0] ??= []).push(r);
  return grouped.filter((wave) => wave.length > 0);
}

/**
 * Replays `observed` against `baseUrl` wave by wave with a fresh connection pool (the service under
 * a cold cache also starts with no connections), reading every body to its end. Returns the time in
 * ms. Throws if an answer's status differs from what the service got: then it fetched something else.
 */
export async function replayInWaves(baseUrl: string, observed: readonly ObservedRequest[]): Promise<number> {
  const agent = new Agent({ connections: 64 });
  try {
    const startedAt = performance.now();
    for (const wave of waves(observed)) await Promise.all(wave.map((r) => fetchOne(agent, baseUrl, r)));
    return performance.now() - startedAt;
  } finally {
    await agent.close();
  }
}

/** The same objects one after another: the naive plain client, shown for context only. */
export async function replaySequentially(
  baseUrl: string,
  observed: readonly ObservedRequest[],
): Promise<number> {
  const agent = new Agent({ connections: 1 });
  try {
    const startedAt = performance.now();
    for (const r of [...observed].sort((a, b) => a.startedAt - b.startedAt))
      await fetchOne(agent, baseUrl, r);
    return performance.now() - startedAt;
  } finally {
    await agent.close();
  }
}

async function fetchOne(agent: Agent, baseUrl: string, r: ObservedRequest): Promise<void> {
  // The service only reads; anything else in the log would mean the world changed under the bench.
  if (r.method !== 'GET' && r.method !== 'HEAD')
    throw new Error(`unexpected ${r.method} ${r.path} in the log`);
  const answer = await request(new URL(r.path, baseUrl), {
    method: r.method,
    headers: r.accept === undefined ? {} : { accept: r.accept },
    dispatcher: agent,
  });
  await answer.body.arrayBuffer();
  if (answer.statusCode !== r.status) {
    throw new Error(
      `replay of ${r.method} ${r.path}: HTTP ${answer.statusCode}, the service got ${r.status}`,
    );
  }
}
