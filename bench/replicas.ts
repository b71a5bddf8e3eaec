/**
 * `npm run bench:replicas`: the figures a team sizes a deployment with, measured on the three-replica
 * world of test/integration/replicas (three `src/main.ts` processes, one redis-server, the real
 * docker-registry behind a counting proxy, a round-robin proxy in front): cold and warm throughput of
 * one replica, what a 100-query cold burst over three costs the registry, and Redis memory per
 * 10 000 cached entries. Prints a table and one JSON line. Loopback registry: cold figures are
 * the service's own cost, not a real registry's latency.
 */
import 'reflect-metadata';
import { startTestRedis } from '../test/support/redis.js';
import { POLICY, startFaultWorld } from '../test/integration/faults/world.js';
import { startReplica } from '../test/integration/replicas/replica-process.js';
import { startRoundRobinProxy } from '../test/integration/replicas/round-robin-proxy.js';
import { runLoad } from './load.js';

const DISTINCT = 60;
const QUERY = `query($ref: String!, $policy: PolicyInput!) {
  image(ref: $ref) { verification(policy: $policy) { verified status } }
}`;

const body = (ref: string) => JSON.stringify({ query: QUERY, variables: { ref, policy: POLICY } });

async function verdict(url: string, ref: string): Promise<string> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body(ref),
  });
  const json = (await res.json()) as { data?: { image?: { verification?: { status?: string } } } };
  return String(json.data?.image?.verification?.status);
}

async function usedMemory(command: (cmd: string) => Promise<string>): Promise<number> {
  const info = await command('INFO memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}

async function main(): Promise<void> {
  const repos = Array.from({ length: DISTINCT + 1 }, (_, n) => `bench/replica-${n}`);
  const [world, redis] = await Promise.all([startFaultWorld(repos), startTestRedis()]);
  const env = {
    IMPRIMATUR_CACHE_URL: redis.url,
    IMPRIMATUR_TRUSTED_ROOT: world.trustedRootPath,
    IMPRIMATUR_INSECURE_REGISTRIES: world.proxy.host,
    IMPRIMATUR_LOG_LEVEL: 'warn',
  };
  const replicas = await Promise.all([
    startReplica({ ...env, IMPRIMATUR_LOG_LEVEL: 'info' }),
    startReplica({ ...env, IMPRIMATUR_LOG_LEVEL: 'info' }),
    startReplica({ ...env, IMPRIMATUR_LOG_LEVEL: 'info' }),
  ]);
  const balancer = await startRoundRobinProxy(replicas.map((r) => r.url));
  const ref = (n: number) =>
    `${world.proxy.host}/${world.images[n]!.repository}@${world.images[n]!.image.digest}`;
  try {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const emptyRedis = await usedMemory(redis.command);

    // Cold throughput of one replica: DISTINCT images never seen, 6 at a time, all on replica 0.
    const coldStart = performance.now();
    const coldVerdicts: string[] = [];
    for (let n = 0; n < DISTINCT; n += 6) {
      const batch = Array.from({ length: Math.min(6, DISTINCT - n) }, (_, k) =>
        verdict(replicas[0]!.url, ref(n + k)),
      );
      coldVerdicts.push(...(await Promise.all(batch)));
    }
    const coldSeconds = (performance.now() - coldStart) / 1000;
    if (coldVerdicts.some((v) => v !== 'VERIFIED')) throw new Error(`cold: ${coldVerdicts.join(',')}`);
    const coldRequests = world.proxy.requests.length;

    // Redis memory: what those verifications stored (leases are excluded: they expire in seconds).
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const keys = Number(/^:(\d+)/.exec(await redis.command('DBSIZE'))?.[1]);
    const bytesPerTenThousand = (((await usedMemory(redis.command)) - emptyRedis) / keys) * 10_000;

    // A cold burst over three: 100 identical queries through the round-robin proxy.
    const beforeBurst = world.proxy.requests.length;
    const burstStart = performance.now();
    const burst = await Promise.all(Array.from({ length: 100 }, () => verdict(balancer.url, ref(DISTINCT))));
    const burstMs = performance.now() - burstStart;
    if (burst.some((v) => v !== 'VERIFIED')) throw new Error('burst: not all VERIFIED');
    const burstRequests = world.proxy.requests.length - beforeBurst;

    // Warm throughput of one replica: the same query repeated (answered by replay). Not through the
    // round-robin proxy, which opens a connection per request and would measure itself.
    const headers = { 'content-type': 'application/json' };
    const warmReplay = await runLoad({
      url: `${replicas[0]!.url}/graphql`,
      body: body(ref(0)),
      headers,
      connections: 10,
      durationSeconds: 5,
    });

    const figures = {
      coldVerificationsPerSecondOneReplica: Number((DISTINCT / coldSeconds).toFixed(1)),
      coldRegistryRequestsPerVerification: coldRequests / DISTINCT,
      warmRequestsPerSecondOneReplica: Math.round(warmReplay.requestsPerSecond),
      warmP99MsOneReplica: warmReplay.latencyP99Ms,
      warmErrors: warmReplay.non2xx + warmReplay.errors,
      burstQueries: 100,
      burstRegistryRequests: burstRequests,
      burstMs: Math.round(burstMs),
      redisKeys: keys,
      redisBytesPer10000Entries: Math.round(bytesPerTenThousand),
    };
    console.log(
      [
        `cold, one replica: ${figures.coldVerificationsPerSecondOneReplica} verifications/s (${DISTINCT} distinct images, 6 at a time), ${figures.coldRegistryRequestsPerVerification} registry requests each`,
        `warm, one replica: ${figures.warmRequestsPerSecondOneReplica} req/s (p99 ${figures.warmP99MsOneReplica} ms, 10 connections)`,
        `cold burst: 100 identical queries over three replicas in ${figures.burstMs} ms, ${figures.burstRegistryRequests} registry requests`,
        `Redis: ${keys} keys after ${DISTINCT} verifications, ${(figures.redisBytesPer10000Entries / 1024 / 1024).toFixed(1)} MiB per 10 000 entries`,
      ].join('\n'),
    );
    console.log(JSON.stringify(figures));
  } finally {
    await balancer.stop();
    await Promise.all(replicas.map((r) => r.kill('SIGKILL')));
    await world.stop();
    await redis.stop();
  }
}

await main();
