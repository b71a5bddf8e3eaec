// @peculiar/x509 (the Sigstore fixtures) uses tsyringe, which needs the decorator metadata polyfill first.
import 'reflect-metadata';
import { availableParallelism, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { startTestRedis } from '../test/support/redis.js';
import { runLoad } from './soak/load.js';
import { startServiceProcess, type ServiceProcess } from './soak/service-process.js';
import { buildSoakWorld } from './soak/world.js';

/**
 * `npm run soak [-- --seconds 180] [-- --redis]`: the service, in its own process, under mixed cold and warm
 * verification queries for a bounded time, against a real docker-registry on loopback. Reports
 * latency, error rate and the service's RSS, and exits 1 when:
 *
 * - more than 1% of answers are wrong (transport errors, GraphQL errors, unexpected status), or any
 *   answer says `verified: true` where it must not;
 * - the RSS floor (lowest sample, i.e. after a collection) of the last third of the run is more than
 *   `--max-rss-growth-mib` (default 64) above that of the first third after the warm-up. 64 MiB is
 *   the memory cache's own default byte bound, so growth beyond it means something other than the
 *   bounded caches is accumulating;
 * - the service dies, or does not stop cleanly (exit 0 on SIGTERM).
 *
 * Not part of `npm test`. Talks only to 127.0.0.1. See bench/README.md, "Soak".
 */
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '180' },
    connections: { type: 'string', default: '8' },
    images: { type: 'string', default: '60' },
    'cold-percent': { type: 'string', default: '30' },
    'max-rss-growth-mib': { type: 'string', default: '64' },
    redis: { type: 'boolean', default: false },
  },
});
const number = (name: keyof typeof values, min: number, max: number): number => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < min || value > max) {
    console.error(`--${name} must be an integer between ${min} and ${max}`);
    process.exit(2);
  }
  return value;
};
const seconds = number('seconds', 10, 3_600);
const connections = number('connections', 1, 256);
const imageCount = number('images', 10, 1_000);
const coldPercent = number('cold-percent', 0, 100);
const maxGrowthMiB = number('max-rss-growth-mib', 1, 4_096);
// Caches fill and verdict/tag/listing TTLs (30 s) turn over during the warm-up: RSS is judged after it.
const warmupSeconds = Math.min(45, Math.floor(seconds / 4));
const MiB = 1024 * 1024;
const mib = (bytes: number) => (bytes / MiB).toFixed(1);

console.log(
  `imprimatur soak: ${seconds} s, ${connections} connections, ${imageCount} images, ${coldPercent}% cold, ${values.redis ? 'Redis' : 'memory'} cache`,
);
const world = await buildSoakWorld(imageCount);
// --redis: the shared tier as deployed with IMPRIMATUR_CACHE_URL (a real redis-server on loopback).
const redis = values.redis ? await startTestRedis() : undefined;
let failed = false;
let service: ServiceProcess | undefined;
try {
  const running = await startServiceProcess({
    cwd: process.cwd(),
    env: {
      IMPRIMATUR_TRUSTED_ROOT: world.trustedRootPath,
      IMPRIMATUR_INSECURE_REGISTRIES: world.registry.host,
      ...(redis === undefined ? {} : { IMPRIMATUR_CACHE_URL: redis.url }),
    },
  });
  service = running;
  const atStart = await running.memory();
  const samples: { at: number; rss: number; heapUsed: number }[] = [];
  const began = Date.now();
  // One memory sample every 5 s while the load runs (bounded by the run's own length).
  const sampler = setInterval(() => {
    running
      .memory()
      .then((m) => samples.push({ at: (Date.now() - began) / 1000, ...m }))
      .catch(() => undefined);
  }, 5_000);
  const load = await runLoad({ url: running.url, images: world.images, seconds, connections, coldPercent });
  clearInterval(sampler);
  const alive = running.alive();
  const atEnd = alive ? await running.memory() : { rss: Number.NaN, heapUsed: Number.NaN };
  // RSS saw-tooths with garbage collection (±100 MiB within seconds under this load), so single
  // samples say little. A leak shows as a rising floor: compare the lowest sample of the first third
  // after the warm-up with the lowest of the last third.
  const measured = samples.filter((s) => s.at >= warmupSeconds);
  const third = Math.max(1, Math.floor(measured.length / 3));
  const floor = (part: typeof measured) => Math.min(...part.map((s) => s.rss));
  const earlyFloor = measured.length > 0 ? floor(measured.slice(0, third)) : atStart.rss;
  const lateFloor = measured.length > 0 ? floor(measured.slice(-third)) : atEnd.rss;
  const peak = Math.max(atStart.rss, atEnd.rss, ...samples.map((s) => s.rss));
  const growth = lateFloor - earlyFloor;
  const exitCode = await running.stop();
  // With --redis, the tier must really have been used: keys written by the service are still there.
  const redisKeys = redis === undefined ? undefined : await redis.dbSize();

  const checks = [
    { what: `error rate ${(load.errorRate * 100).toFixed(3)}% <= 1%`, ok: load.errorRate <= 0.01 },
    { what: `false verified:true answers ${load.falseVerified} == 0`, ok: load.falseVerified === 0 },
    // Two floors need a few samples each: a run under a minute is too short to judge memory by.
    measured.length >= 6
      ? {
          what: `RSS floor growth after warm-up ${mib(growth)} MiB <= ${maxGrowthMiB} MiB`,
          ok: growth <= maxGrowthMiB * MiB,
        }
      : { what: `RSS growth not judged: ${measured.length} samples after warm-up (need 6)`, ok: true },
    { what: 'service alive at the end and stopped with exit 0', ok: alive && exitCode === 0 },
    ...(redisKeys === undefined ? [] : [{ what: `Redis holds ${redisKeys} keys > 0`, ok: redisKeys > 0 }]),
  ];
  failed = checks.some((c) => !c.ok);
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    seconds,
    connections,
    images: imageCount,
    coldPercent,
    cache: redis === undefined ? 'memory' : 'redis',
    redisKeys,
    requests: load.total,
    cold: load.cold,
    warm: load.warm,
    requestsPerSecond: Math.round(load.requestsPerSecond),
    latencyP50Ms: load.latencyP50Ms,
    latencyP99Ms: load.latencyP99Ms,
    transportErrors: load.transportErrors,
    wrongAnswers: load.wrongAnswers,
    falseVerified: load.falseVerified,
    errorRate: load.errorRate,
    rssStartMiB: Number(mib(atStart.rss)),
    rssEndMiB: Number(mib(atEnd.rss)),
    rssEarlyFloorMiB: Number(mib(earlyFloor)),
    rssLateFloorMiB: Number(mib(lateFloor)),
    rssPeakMiB: Number(mib(peak)),
    heapUsedStartMiB: Number(mib(atStart.heapUsed)),
    heapUsedEndMiB: Number(mib(atEnd.heapUsed)),
    warmupSeconds,
  };
  console.log('');
  console.log(
    `requests        ${load.total} (${load.cold} cold, ${load.warm} warm), ${report.requestsPerSecond} req/s`,
  );
  console.log(`latency         p50 ${load.latencyP50Ms} ms, p99 ${load.latencyP99Ms} ms`);
  console.log(
    `errors          ${load.transportErrors} transport, ${load.wrongAnswers} wrong answers, ${load.falseVerified} false verified`,
  );
  console.log(
    `service RSS     start ${mib(atStart.rss)} MiB, end ${mib(atEnd.rss)} MiB, peak ${mib(peak)} MiB`,
  );
  console.log(
    `RSS floor       ${mib(earlyFloor)} MiB early, ${mib(lateFloor)} MiB late (after a ${warmupSeconds} s warm-up)`,
  );
  console.log(`V8 heap used    start ${mib(atStart.heapUsed)} MiB, end ${mib(atEnd.heapUsed)} MiB`);
  console.log(
    `samples (MiB)   ${samples.map((s) => `${Math.round(s.at)}s:${mib(s.rss)}/${mib(s.heapUsed)}`).join(' ')}`,
  );
  for (const sample of load.samples) console.log(`wrong answer    ${sample}`);
  for (const check of checks) console.log(`${check.ok ? 'ok  ' : 'FAIL'}            ${check.what}`);
  if (!alive) console.log(`service output:\n${running.tail()}`);
  console.log(JSON.stringify(report));
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  // On any failure above, the child must not outlive the soak (stop() is a no-op once it exited).
  await service?.stop();
  await redis?.stop();
  await world.stop();
}
process.exit(failed ? 1 : 0);
