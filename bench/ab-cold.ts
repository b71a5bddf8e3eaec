// type-graphql reads decorator metadata through this polyfill; it must load before the service does.
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { startTestRedis, type TestRedis } from '../test/support/redis.js';
import { median } from './cold-latency.js';
import { startServiceProcess, type ServiceProcess } from './service-process.js';
import { timedVerification } from './service.js';
import { buildWorld, type BenchWorld } from './world.js';

/**
 * `npm run bench:ab -- [--against <git-ref>] [NAME=value …] [--pairs N] [--delay-ms D] [--redis]`: is B faster
 * than A on the cold path? A is the checkout at `<git-ref>` (default: this one) with the default
 * configuration; B is this checkout with the given environment variables on top (read by
 * `loadConfig`, and set in B's process, for what reads `process.env` itself, such as `OTEL_*`). With neither, A and B are the
 * same: the spread of that A/A run is the noise floor.
 *
 * Why not two full `npm run bench` runs: on a noisy machine they differ by more than most single
 * changes do. Here both sides run in the same world at the same time, each in its own child process
 * (the same for both, so neither gets an advantage): each pair starts a new service on each side and
 * asks it the seed's cold query once, in alternating order (AB, BA, …). Every answer must be
 * VERIFIED, as in the bench. `--delay-ms D` makes the proxy hold every request D ms, like a registry
 * that far away (loopback hides what a round trip costs). `--redis` gives both sides a real
 * `redis-server` as their cache (IMPRIMATUR_CACHE_URL), emptied before every query. Reported: both medians, the median of the paired differences with its
 * interquartile range, and in how many pairs B was faster.
 */
const REPO = fileURLToPath(new URL('..', import.meta.url));

interface Args {
  readonly against: string | undefined;
  readonly pairs: number;
  readonly delayMs: number;
  readonly redis: boolean;
  readonly env: Readonly<Record<string, string>>;
}

function parseArgs(argv: readonly string[]): Args {
  let against: string | undefined;
  let pairs = 60;
  let delayMs = 0;
  let redis = false;
  const env: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--against') against = argv[(i += 1)];
    else if (arg === '--pairs') pairs = Number(argv[(i += 1)]);
    else if (arg === '--delay-ms') delayMs = Number(argv[(i += 1)]);
    else if (arg === '--redis') redis = true;
    else if (/^[A-Z][A-Z0-9_]*=/.test(arg)) {
      env[arg.slice(0, arg.indexOf('='))] = arg.slice(arg.indexOf('=') + 1);
    } else
      throw new Error(
        `expected --against REF, --pairs N, --delay-ms D, --redis or NAME=value, got ${JSON.stringify(arg)}`,
      );
  }
  if (!Number.isSafeInteger(pairs) || pairs < 1) throw new Error('--pairs must be a positive integer');
  if (!(delayMs >= 0)) throw new Error('--delay-ms must be a number of milliseconds');
  return { against, pairs, delayMs, redis, env };
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO, encoding: 'utf8' }).trim();

/** A detached worktree of `ref` sharing this checkout's node_modules; removed by the returned function. */
async function checkout(ref: string): Promise<[string, () => Promise<void>]> {
  const dir = await mkdtemp(join(tmpdir(), 'imprimatur-ab-'));
  git('worktree', 'add', '--quiet', '--detach', dir, ref);
  await symlink(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  return [
    dir,
    async () => {
      git('worktree', 'remove', '--force', dir);
      await rm(dir, { recursive: true, force: true });
    },
  ];
}

/** With `--redis`: the shared Redis both sides use, emptied before every query so each is cold. */
let redis: TestRedis | undefined;

async function coldQuery(
  world: BenchWorld,
  side: ServiceProcess,
  env: Readonly<Record<string, string>>,
): Promise<[number, number]> {
  if (redis !== undefined) await redis.command('FLUSHALL');
  const service = await side.start(redis === undefined ? env : { IMPRIMATUR_CACHE_URL: redis.url, ...env });
  try {
    // A new service connects to Redis in the background; until it has, the cache answers without it.
    if (redis !== undefined) await untilCacheReady(service.url);
    world.proxy.reset();
    const ms = await timedVerification(service.url, world.seedRef);
    return [ms, world.proxy.arrived()];
  } finally {
    await service.stop();
  }
}

async function untilCacheReady(serviceUrl: string): Promise<void> {
  for (let tries = 0; tries < 200; tries += 1) {
    const res = await request(`${serviceUrl}/readyz`);
    const body = await res.body.text();
    if (res.statusCode === 200 && !body.includes('degraded')) return;
    await delay(10);
  }
  throw new Error('the service did not report its Redis cache ready within 2 s');
}

const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

const args = parseArgs(process.argv.slice(2));
const dirty = git('status', '--porcelain', '--untracked-files=no') === '' ? '' : ' + uncommitted changes';
const describeB =
  `this checkout (${git('rev-parse', '--short', 'HEAD')}${dirty})` +
  (Object.keys(args.env).length === 0
    ? ''
    : ` with ${Object.entries(args.env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`);
const [rootA, removeA] =
  args.against === undefined ? [REPO, async () => undefined] : await checkout(args.against);
const describeA =
  args.against === undefined
    ? `this checkout, defaults`
    : `${args.against} (${git('rev-parse', '--short', args.against)}), defaults`;
// Everything started is stopped again, the worktree removed, whichever step fails.
const cleanups: (() => Promise<void>)[] = [removeA];
try {
  const world = await buildWorld({ delayMs: args.delayMs });
  cleanups.unshift(() => world.stop());
  if (args.redis) {
    const started = await startTestRedis();
    redis = started;
    cleanups.unshift(() => started.stop());
  }
  const sideA = await startServiceProcess(world, rootA);
  cleanups.unshift(() => sideA.close());
  const sideB = await startServiceProcess(world, REPO);
  cleanups.unshift(() => sideB.close());
  // One unrecorded query per side first: JIT warm-up would otherwise count against one side.
  await coldQuery(world, sideA, {});
  await coldQuery(world, sideB, args.env);
  const a: number[] = [];
  const b: number[] = [];
  const requests = { a: new Set<number>(), b: new Set<number>() };
  for (let n = 0; n < args.pairs; n += 1) {
    const runA = async () => {
      const [ms, count] = await coldQuery(world, sideA, {});
      a.push(ms);
      requests.a.add(count);
    };
    const runB = async () => {
      const [ms, count] = await coldQuery(world, sideB, args.env);
      b.push(ms);
      requests.b.add(count);
    };
    if (n % 2 === 0) await runA().then(runB);
    else await runB().then(runA);
  }
  const diffs = a.map((ms, i) => b[i]! - ms);
  const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
  const counts = (s: Set<number>) => [...s].sort((x, y) => x - y).join('/');
  process.stdout.write(
    [
      `A: ${describeA}`,
      `B: ${describeB}`,
      `${args.pairs} pairs, alternating order, each side in its own child process` +
        (args.delayMs > 0 ? `; the proxy holds each request ${args.delayMs} ms` : '') +
        (args.redis ? '; both with a Redis cache, emptied before every query' : ''),
      `median cold query: A ${fmt(median(a))}, B ${fmt(median(b))} (registry requests per query: A ${counts(requests.a)}, B ${counts(requests.b)})`,
      `B − A per pair: median ${fmt(median(diffs))}, interquartile ${fmt(quantile(diffs, 0.25))} … ${fmt(quantile(diffs, 0.75))}; ` +
        `B faster in ${diffs.filter((d) => d < 0).length} of ${args.pairs}`,
    ].join('\n') + '\n',
  );
} finally {
  for (const cleanup of cleanups) await cleanup();
}
