// type-graphql reads decorator metadata through this polyfill; it must load before the service does.
import 'reflect-metadata';
import { availableParallelism, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { measureAttestations } from './attestations.js';
import { measureSbom } from './sbom.js';
import { measureCacheMemory } from './cache-memory.js';
import { measureColdLatency } from './cold-latency.js';
import { measureDistinctImages } from './distinct-images.js';
import { SEED_MINIMUM } from './registry-minimum.js';
import { figureRows, renderTable } from './report.js';
import { measureStampede, STAMPEDE_QUERIES } from './stampede.js';
import { measureWarmThroughput } from './warm-throughput.js';
import { buildWorld } from './world.js';

/**
 * `npm run bench` (table) or `npm run bench -- --json` (the table on stderr, one JSON object on the
 * last line of stdout); `-- --profile` adds a CPU profile of the warm path (an extra round, after
 * the measured ones). Every figure is a ratio or a count taken in this one run, so that a slow or
 * busy machine moves both sides of a ratio instead of the figure; see bench/README.md.
 */
const json = process.argv.includes('--json');
const profilePath = process.argv.includes('--profile')
  ? join(tmpdir(), 'imprimatur-bench-warm.cpuprofile')
  : undefined;
// With --json, stdout carries only the JSON line; progress and the table go to stderr.
const say = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);
const began = performance.now();
const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
  const startedAt = performance.now();
  const result = await work();
  say(`  ${name}: ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
  return result;
};

say('imprimatur bench: building the world (registry, counting proxy, private Sigstore, signed images)');
const world = await step('world', buildWorld);
try {
  const cold = await step('cold latency', () => measureColdLatency(world));
  const stampede = await step('stampede', () => measureStampede(world));
  const warm = await step('warm throughput', () => measureWarmThroughput(world, profilePath));
  const distinct = await step('distinct images', () => measureDistinctImages(world));
  const memory = await step('cache memory', measureCacheMemory);
  const attestations = await step('attestations', () => measureAttestations(world));
  const sbom = await step('sbom pages', () => measureSbom(world));
  const rows = figureRows({
    warm,
    cold,
    registryRequestsMinimum: SEED_MINIMUM,
    stampede,
    stampedeQueries: STAMPEDE_QUERIES,
    memory,
    attestations,
    sbom,
  });
  const machine = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
  };
  say('');
  say(renderTable(rows));
  say('');
  say(`a cold query fetched, in order:\n${cold.requestLog.map((line) => `  ${line}`).join('\n')}`);
  say(
    `cold query time (medians): ${cold.beforeFirstFetchMedianMs.toFixed(1)} ms before the first registry request, ` +
      `${cold.afterLastFetchMedianMs.toFixed(1)} ms after the last registry answer`,
  );
  say(
    `${distinct.images} distinct signed images, all VERIFIED on a fresh service: ` +
      `${distinct.registryRequests} registry requests (${(distinct.registryRequests / distinct.images).toFixed(1)} per image), ` +
      `${distinct.seconds.toFixed(1)} s`,
  );
  if (warm.profileSummary !== undefined) {
    say(`warm path CPU (share of busy time, callees included; profile in ${profilePath}):`);
    for (const line of warm.profileSummary) say(`  ${line}`);
  }
  say(
    `${machine.date}, node ${machine.node}, ${machine.cpus} CPUs, ${machine.memoryGiB} GiB; ` +
      `${rows.filter((r) => r.met).length}/${rows.length} targets met; ` +
      `${((performance.now() - began) / 1000).toFixed(0)} s`,
  );
  if (json) {
    const figures = Object.fromEntries(rows.map((r) => [r.figure, r.value]));
    const met = Object.fromEntries(rows.map((r) => [r.figure, r.met]));
    process.stdout.write(
      `${JSON.stringify({ ...figures, met, machine, details: { warm, cold, stampede, distinct, memory, attestations, sbom } })}\n`,
    );
  }
} finally {
  await world.stop();
}
