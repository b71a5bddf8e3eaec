import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeRegistry, type FakeRegistry } from '../registry/fake-registry.js';
import { DEFAULT_REGISTRY_LIMITS } from '../../../src/config/index.js';
import { startTestService, type TestService } from '../../support/service.js';

/**
 * Upstream work must stop when nobody will read its result: a client that disconnects, or a request
 * past its deadline. The registry here is a stand-in on 127.0.0.1 that accepts manifest requests and
 * never answers; what is observed is the stand-in seeing its request's connection closed by us, well
 * before the 5 s registry timeout the test configuration sets.
 */
const ENTRIES = 200;
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const INDEX = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: Array.from({ length: ENTRIES }, (_, n) => ({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: `sha256:${createHash('sha256').update(`entry ${n}`).digest('hex')}`,
      size: 1234,
      platform: { os: 'linux', architecture: 'amd64' },
    })),
  }),
);

function sendIndex(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': OCI_INDEX }).end(INDEX);
}

describe('request cancellation', () => {
  let slow: FakeRegistry;
  let service: TestService;
  let fanService: TestService;
  let closed: number[];
  const DEADLINE_MS = 700;
  const FAN_DEADLINE_MS = 2_500;

  beforeAll(async () => {
    slow = await startFakeRegistry();
    service = await startTestService({
      insecureRegistries: [slow.host],
      config: { requestDeadlineMs: DEADLINE_MS },
    });
    // Its own deadline, long enough for the index to arrive on a busy machine.
    fanService = await startTestService({
      insecureRegistries: [slow.host],
      config: { requestDeadlineMs: FAN_DEADLINE_MS },
    });
  });
  afterAll(async () => {
    await service?.stop();
    await fanService?.stop();
    await slow?.stop();
  });
  beforeEach(() => {
    closed = [];
    slow.handle((_req, res, path) => {
      if (path === '/v2/slow/fan/manifests/latest') return sendIndex(res);
      if (!path.includes('/manifests/')) return void res.writeHead(404).end();
      res.on('close', () => closed.push(Date.now())); // hold the request open; note when we hang up
    });
  });

  const manifestRequests = () => slow.requests.filter((r) => r.path.includes('/manifests/'));
  const until = async (condition: () => boolean, ms: number) => {
    const end = Date.now() + ms;
    while (!condition() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    return condition();
  };

  it('aborts the upstream registry request when the client disconnects', async () => {
    const client = new AbortController();
    const reply = fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ image(ref: "${slow.host}/slow/app:v1") { digest } }` }),
      signal: client.signal,
    }).catch((error: unknown) => error);
    expect(await until(() => manifestRequests().length === 1, 3_000)).toBe(true);
    const disconnected = Date.now();
    client.abort();
    await reply;
    expect(await until(() => closed.length === 1, 2_000)).toBe(true);
    expect(closed[0]! - disconnected).toBeLessThan(1_000);
    // Not retried after the abort: nobody is waiting any more.
    await new Promise((r) => setTimeout(r, 200));
    expect(manifestRequests()).toHaveLength(1);
  });

  it('aborts upstream work at the request deadline and answers REQUEST_DEADLINE_EXCEEDED', async () => {
    const started = Date.now();
    const reply = await service.graphql(`{ image(ref: "${slow.host}/slow/app:v2") { digest } }`);
    const elapsed = Date.now() - started;
    expect(reply.errors?.map((e) => e.extensions?.code)).toEqual(['REQUEST_DEADLINE_EXCEEDED']);
    expect(reply.errors?.[0]?.message).toContain('deadline');
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(elapsed).toBeLessThan(DEADLINE_MS + 1_500);
    expect(await until(() => closed.length === 1, 1_000)).toBe(true);
  });

  it('starts no registry request past the deadline of a request that fans out, and aborts those in flight', async () => {
    // Every entry's signature look-up is held by the registry: the request's registry slots fill up
    // and the rest queue, until the deadline cancels both.
    const started = Date.now();
    const reply = await fanService.graphql(
      `{ image(ref: "${slow.host}/slow/fan:latest") { manifestList { manifests {
          verification(policy: { certificateIdentity: "a", certificateOidcIssuer: "b" }) { status errors { code } } } } } }`,
    );
    const answered = Date.now();
    const deadline = started + FAN_DEADLINE_MS;
    expect(answered).toBeGreaterThanOrEqual(deadline - 50);
    const entries = (reply.data as { image: { manifestList: { manifests: unknown[] } } } | null)?.image
      .manifestList.manifests;
    expect(entries).toHaveLength(ENTRIES);
    const held = () => manifestRequests().filter((r) => !r.path.endsWith('/latest'));
    // The request's registry slots were full when the deadline came (the rest queued behind them).
    const sent = held().length;
    expect(sent).toBe(DEFAULT_REGISTRY_LIMITS.concurrencyPerRequest);
    await new Promise((r) => setTimeout(r, 500));
    // Nothing new after the answer, which comes once the deadline cancelled the request...
    expect(held().length).toBe(sent);
    expect(held().every((r) => r.at <= answered)).toBe(true);
    // ...and every request held open was hung up by us, not answered.
    expect(closed).toHaveLength(sent);
    for (const at of closed) expect(at - deadline).toBeLessThan(1_000);
  });
});
