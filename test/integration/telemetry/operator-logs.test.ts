import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/paths.js';
import { freePort } from '../../support/registry/index.js';
import { startWalkthrough, WALKTHROUGH_POLICY, type Walkthrough } from '../rest/walkthrough.js';

/**
 * The logs an operator reads, taken from the real process's stdout (src/main.ts through tsx): one
 * line per request at info with what it cost, registry and Redis trouble at warn, and start-up
 * failures that name the setting without a stack trace.
 */
type Line = Record<string, unknown> & { level: number; msg: string };
const INFO = 30;
const WARN = 40;

interface Service {
  readonly child: ChildProcess;
  readonly lines: Line[];
  readonly url: string;
}

function spawnMain(env: Record<string, string>): { child: ChildProcess; lines: Line[]; raw: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, IMPRIMATUR_HOST: '127.0.0.1', IMPRIMATUR_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Line[] = [];
  let raw = '';
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    raw += chunk.toString();
    pending += chunk.toString();
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const part of parts.filter(Boolean)) lines.push(JSON.parse(part) as Line);
  });
  child.stderr?.on('data', (chunk: Buffer) => (raw += chunk.toString()));
  return { child, lines, raw: () => raw };
}

async function startService(env: Record<string, string>): Promise<Service> {
  const { child, lines, raw } = spawnMain(env);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const listening = lines.find((line) => line.msg === 'imprimatur listening');
    if (listening !== undefined) return { child, lines, url: listening.url as string };
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${raw()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no "listening" line: ${raw()}`);
}

async function waitForLine(lines: Line[], match: (line: Line) => boolean): Promise<Line> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const found = lines.find(match);
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no such log line in:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`);
}

describe('operator logs of the service process', () => {
  let walkthrough: Walkthrough;
  let service: Service;
  let deadRegistry: string;

  beforeAll(async () => {
    walkthrough = await startWalkthrough();
    // Ports with nothing listening: a registry that refuses connections, a Redis that is not there.
    deadRegistry = `127.0.0.1:${await freePort()}`;
    service = await startService({
      IMPRIMATUR_LOG_LEVEL: 'debug',
      IMPRIMATUR_INSECURE_REGISTRIES: `${walkthrough.registry.host},${deadRegistry}`,
      IMPRIMATUR_TRUSTED_ROOT: walkthrough.trustedRootPath,
      IMPRIMATUR_CACHE_URL: `redis://127.0.0.1:${await freePort()}`,
      IMPRIMATUR_REGISTRY_MAX_RETRIES: '0',
    });
  }, 60_000);
  afterAll(async () => {
    if (service?.child.exitCode === null) service.child.kill('SIGKILL');
    await walkthrough?.stop();
  });

  async function verify(ref: string, operation: string): Promise<Response> {
    return fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `query ${operation}($ref: String!, $policy: PolicyInput!) { image(ref: $ref) { verification(policy: $policy) { status } } }`,
        variables: { ref, policy: WALKTHROUGH_POLICY },
        operationName: operation,
      }),
    });
  }

  it('says at warn, at start, that Redis is unreachable', async () => {
    const line = await waitForLine(service.lines, (l) => l.msg.startsWith('Redis unreachable'));
    expect(line.level).toBe(WARN);
    expect(typeof line.error).toBe('string');
  });

  it('writes one info line per request: route, operation, status, duration, registry and cache counts, trace id', async () => {
    const res = await verify(walkthrough.indexRef, 'LogFirst');
    expect(res.status).toBe(200);
    await res.json();
    const traceId = res.headers.get('x-trace-id');
    const line = await waitForLine(service.lines, (l) => l.msg === 'request' && l.trace_id === traceId);
    expect(line).toMatchObject({
      level: INFO,
      route: '/graphql',
      method: 'POST',
      status: 200,
      operation: 'LogFirst',
    });
    expect(line.duration_ms).toEqual(expect.any(Number));
    expect(line.registry_requests as number).toBeGreaterThan(0);
    expect(line.cache_misses as number).toBeGreaterThan(0);
    // At debug, each of those registry requests has its own line under the same trace id.
    const exchanges = service.lines.filter((l) => l.msg === 'registry exchange' && l.trace_id === traceId);
    expect(exchanges).toHaveLength(line.registry_requests as number);
    expect(exchanges[0]).toMatchObject({
      level: 20,
      registry: walkthrough.registry.host,
      status: expect.any(Number),
    });

    // The same question again is answered mostly from the cache: fewer registry requests, hits counted.
    const again = await verify(walkthrough.indexRef, 'LogAgain');
    await again.json();
    const second = await waitForLine(
      service.lines,
      (l) => l.msg === 'request' && l.trace_id === again.headers.get('x-trace-id'),
    );
    expect(second).toMatchObject({ operation: 'LogAgain' });
    expect(second.registry_requests as number).toBeLessThan(line.registry_requests as number);
    expect(second.cache_hits as number).toBeGreaterThan(0);
  });

  it('says at warn which registry failed and how, and counts the failure on the request line', async () => {
    const res = await verify(`${deadRegistry}/acme/app:v1`, 'LogDead');
    await res.json();
    const warning = await waitForLine(service.lines, (l) => l.msg === 'registry request failed');
    expect(warning).toMatchObject({
      level: WARN,
      registry: deadRegistry,
      trace_id: res.headers.get('x-trace-id'),
    });
    expect(warning.error_type).toEqual(expect.any(String));
    const line = await waitForLine(
      service.lines,
      (l) => l.msg === 'request' && l.trace_id === res.headers.get('x-trace-id'),
    );
    expect(line.registry_failures as number).toBeGreaterThan(0);
  });

  it('keeps probes out of info', async () => {
    const res = await fetch(`${service.url}/healthz`);
    await res.arrayBuffer();
    await new Promise((r) => setTimeout(r, 200));
    const traceId = res.headers.get('x-trace-id');
    expect(service.lines.filter((l) => l.trace_id === traceId && l.level >= INFO)).toEqual([]);
  });
});

describe('start-up failures in the log', () => {
  async function failedStart(
    env: Record<string, string>,
  ): Promise<{ code: number | null; lines: Line[]; raw: string }> {
    const { child, lines, raw } = spawnMain(env);
    const [code] = (await once(child, 'exit')) as [number | null];
    return { code, lines, raw: raw() };
  }

  it('names IMPRIMATUR_LOG_LEVEL and the levels it accepts when the level is unknown', async () => {
    const { code, lines, raw } = await failedStart({ IMPRIMATUR_LOG_LEVEL: 'verbose' });
    expect(code).toBe(1);
    expect(lines.at(-1)?.error).toBe(
      'IMPRIMATUR_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
    );
    expect(raw).not.toMatch(/\n\s+at /);
  });

  it('names PORT without a stack trace when it is not a port', async () => {
    const { code, lines, raw } = await failedStart({ IMPRIMATUR_PORT: '', PORT: '99999' });
    expect(code).toBe(1);
    expect(String(lines.at(-1)?.error)).toContain('PORT');
    expect(raw).not.toContain('"stack"');
    expect(raw).not.toMatch(/\n\s+at /);
  });

  it('says the port is taken, without a stack trace', async () => {
    const blocker = await startService({ IMPRIMATUR_LOG_LEVEL: 'info' });
    try {
      const port = new URL(blocker.url).port;
      const { code, lines, raw } = await failedStart({ IMPRIMATUR_PORT: port });
      expect(code).toBe(1);
      expect(lines.at(-1)).toMatchObject({ code: 'EADDRINUSE', msg: 'imprimatur failed to start' });
      expect(raw).not.toContain('"stack"');
    } finally {
      blocker.child.kill('SIGKILL');
    }
  }, 60_000);
});
