import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildImage, buildIndex, pushIndex } from '../../support/registry/index.js';
import type { TestService } from '../../support/service.js';
import { metricSample } from './fixtures.js';
import { POLICY, startSigningWorld, type SigningWorld } from './signing-world.js';

const QUERY = `query Verify($ref: String!, $policy: PolicyInput!) {
  image(ref: $ref) { digest verification(policy: $policy) { status verified cached checkedAt hint } } }`;

interface Verification {
  readonly status: string;
  readonly verified: boolean;
  readonly cached: boolean;
  readonly checkedAt: string;
  readonly hint: string | null;
}
interface Answer {
  readonly status: number;
  readonly traceHeader: string | null;
  readonly contentType: string | null;
  readonly cacheControl: string | null;
  readonly text: string;
  readonly json: {
    data?: { image: { digest: string; verification: Verification } } | null;
    errors?: unknown[];
    extensions?: { traceId?: string };
  };
}

/**
 * Whole-answer replay (src/graphql/response-cache) in the real service, over HTTP, against a real
 * registry behind a counting proxy and a test Sigstore. Replays are told apart from executions by
 * the service's own metric and by the registry traffic, never by timing.
 */
describe('answer replay for identical GraphQL requests', () => {
  let world: SigningWorld;

  beforeAll(async () => {
    world = await startSigningWorld();
  });
  beforeEach(() => world.proxy.reset());
  afterAll(async () => world?.stop());

  const service = (
    cache: Parameters<SigningWorld['startService']>[0] = {},
    apiTokens: readonly string[] = [],
  ) => world.startService(cache, { apiTokens });
  /** A new signed single-platform image under `repository:tag`; returns its digest. */
  const signedImage = async (repository: string, tag: string) =>
    (await world.pushSignedImage(repository, tag)).digest;

  async function ask(
    api: TestService,
    ref: string,
    init: { accept?: string; token?: string; method?: 'GET' | 'POST' } = {},
  ): Promise<Answer> {
    const variables = { ref, policy: POLICY };
    const headers: Record<string, string> = {
      accept: init.accept ?? 'application/graphql-response+json',
      ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
    };
    const res =
      init.method === 'GET'
        ? await fetch(
            `${api.url}/graphql?${new URLSearchParams({ query: QUERY, variables: JSON.stringify(variables) })}`,
            { headers: { ...headers, 'apollo-require-preflight': 'true' } },
          )
        : await fetch(`${api.url}/graphql`, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify({ query: QUERY, variables }),
          });
    const text = await res.text();
    return {
      status: res.status,
      traceHeader: res.headers.get('x-trace-id'),
      contentType: res.headers.get('content-type'),
      cacheControl: res.headers.get('cache-control'),
      text,
      json: JSON.parse(text) as Answer['json'],
    };
  }

  /**
   * `imprimatur_graphql_response_cache_total{outcome}` now (0 before the first). The metrics are the
   * process's, shared by every service a test file starts: tests compare changes.
   */
  const replays = async (api: TestService, outcome = 'hit'): Promise<number> =>
    (await metricSample(api.url, `imprimatur_graphql_response_cache_total{outcome="${outcome}"}`)) ?? 0;

  it('replays the second answer to the third identical request, with only the trace id changed', async () => {
    const api = await service();
    await signedImage('replay/app', 'v1');
    const ref = `${world.proxy.host}/replay/app:v1`;

    const first = await ask(api, ref);
    expect(first.json.data?.image.verification).toMatchObject({ status: 'VERIFIED', cached: false });
    expect(world.proxy.requests.length).toBeGreaterThan(0);
    world.proxy.reset();
    const hitsBefore = await replays(api);

    const second = await ask(api, ref);
    const third = await ask(api, ref);
    expect(await replays(api)).toBe(hitsBefore + 1);
    expect(world.proxy.requests.length).toBe(0);

    // The first answer (cached: false, a fresh checkedAt) is never replayed; the second is, exactly.
    expect(second.json.data?.image.verification.cached).toBe(true);
    expect(second.json.data?.image.verification.checkedAt).toBe(
      first.json.data?.image.verification.checkedAt,
    );
    const secondTrace = second.json.extensions?.traceId;
    const thirdTrace = third.json.extensions?.traceId;
    expect(thirdTrace).toMatch(/^[0-9a-f]{32}$/);
    expect(thirdTrace).not.toBe(secondTrace);
    expect(third.traceHeader).toBe(thirdTrace);
    expect(third.text).toBe(second.text.replace(String(secondTrace), String(thirdTrace)));
    expect(third.status).toBe(200);
    expect(third.contentType).toBe(second.contentType);
    // No HTTP cache may keep a verdict, replayed or not.
    for (const answer of [first, second, third]) expect(answer.cacheControl).toBe('no-store');
  });

  it('keeps answers for different Accept headers apart, each with the content type Apollo chose', async () => {
    const api = await service();
    await signedImage('replay/accept', 'v1');
    const ref = `${world.proxy.host}/replay/accept:v1`;
    await ask(api, ref);
    const hitsBefore = await replays(api);
    for (let n = 0; n < 3; n += 1) {
      expect((await ask(api, ref, { accept: 'application/json' })).contentType).toMatch(/^application\/json/);
      expect((await ask(api, ref)).contentType).toMatch(/^application\/graphql-response\+json/);
    }
    expect(await replays(api)).toBe(hitsBefore + 4);
  });

  it('never replays an answer past the expiry of a cache entry it read: a moved tag is seen', async () => {
    // Tags live 1 s; verdicts (and so the replay cap) 30 s.
    const api = await service({ tagTtlSeconds: 1 });
    const before = await signedImage('replay/moving', 'latest');
    const ref = `${world.proxy.host}/replay/moving:latest`;
    await ask(api, ref);
    await ask(api, ref);
    expect((await ask(api, ref)).json.data?.image.digest).toBe(before);

    const after = await signedImage('replay/moving', 'latest');
    expect(after).not.toBe(before);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const moved = await ask(api, ref);
    expect(moved.json.data?.image.digest).toBe(after);
    expect(moved.json.data?.image.verification).toMatchObject({ status: 'VERIFIED', cached: false });
  });

  it('does not replay answers with errors: each is executed again', async () => {
    const api = await service();
    const ref = `${world.proxy.host}/replay/missing:v1`;
    const hitsBefore = await replays(api);
    for (let n = 0; n < 3; n += 1) {
      const answer = await ask(api, ref);
      expect(answer.json.errors?.length).toBeGreaterThan(0);
      expect(answer.cacheControl).toBe('no-store');
    }
    expect(await replays(api)).toBe(hitsBefore);
    // Every attempt asked the registry (the missing tag is not cached as missing).
    expect(world.proxy.manifestGets()).toBeGreaterThanOrEqual(3);
  });

  it('gives a hint that appeared since (the index was seen in between) instead of replaying the answer without it', async () => {
    const api = await service();
    const platforms = [
      buildImage({ os: 'linux', architecture: 'amd64' }),
      buildImage({ os: 'linux', architecture: 'arm64' }),
    ];
    const index = buildIndex(platforms);
    await pushIndex({ url: world.registry.url }, 'replay/multi', index, 'v1');
    await world.sign('replay/multi', index.digest);
    const platformRef = `${world.proxy.host}/replay/multi@${platforms[0]?.digest}`;

    await ask(api, platformRef);
    await ask(api, platformRef);
    const unsigned = await ask(api, platformRef);
    expect(unsigned.json.data?.image.verification).toMatchObject({ status: 'UNSIGNED', hint: null });

    expect((await ask(api, `${world.proxy.host}/replay/multi:v1`)).json.data?.image.verification.status).toBe(
      'VERIFIED',
    );
    const hinted = await ask(api, platformRef);
    expect(hinted.json.data?.image.verification.status).toBe('UNSIGNED');
    expect(hinted.json.data?.image.verification.hint).toContain(index.digest);
  });

  it('replays from entries read back from Redis too, and stops replaying while Redis is down', async () => {
    // No memory tier: content and listings are read from Redis (with the expiry Redis holds), tags
    // and verdicts from process memory.
    const api = await service({ url: world.redis.url, memoryTier: false });
    await signedImage('replay/redis', 'v1');
    const ref = `${world.proxy.host}/replay/redis:v1`;
    // Its Redis connection is made in the background; on loopback it is up well within this.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await ask(api, ref);
    const hitsBefore = await replays(api);
    await ask(api, ref);
    await ask(api, ref);
    expect(await replays(api)).toBe(hitsBefore + 1);

    // An answer computed while Redis is unreachable is not kept, even where the same query with
    // Redis up would have been (its content reads are "unavailable", then go to the registry).
    const other = `${world.proxy.host}/replay/redis@${await signedImage('replay/redis', 'v2')}`;
    expect((await ask(api, other)).json.data?.image.verification.verified).toBe(true);
    await world.redis.kill();
    try {
      const storedBefore = await replays(api, 'stored');
      const hitsBeforeOutage = await replays(api);
      for (let n = 0; n < 2; n += 1) {
        expect((await ask(api, other)).json.data?.image.verification.verified).toBe(true);
      }
      expect(await replays(api, 'stored')).toBe(storedBefore);
      expect(await replays(api)).toBe(hitsBeforeOutage);
    } finally {
      await world.redis.restart();
    }
  });

  it('checks the caller token before replaying anything', async () => {
    const token = 'replay-test-token-0123456789abcdef';
    const api = await service({}, [token]);
    await signedImage('replay/auth', 'v1');
    const ref = `${world.proxy.host}/replay/auth:v1`;
    await ask(api, ref, { token });
    await ask(api, ref, { token });
    expect((await ask(api, ref, { token })).status).toBe(200);
    expect((await ask(api, ref)).status).toBe(401);
    expect((await ask(api, ref, { token: 'wrong-token-0123456789abcdefghij' })).status).toBe(401);
  });

  it('executes GET requests and, with replay turned off, every request', async () => {
    const off = await service({ responsesMaxEntries: 0 });
    const on = await service();
    await signedImage('replay/off', 'v1');
    const ref = `${world.proxy.host}/replay/off:v1`;
    // The counter is the process's (both services share it), so the test looks at its change.
    const hitsBefore = await replays(on);
    for (let n = 0; n < 3; n += 1) {
      expect((await ask(off, ref)).json.data?.image.verification.verified).toBe(true);
      expect((await ask(on, ref, { method: 'GET' })).json.data?.image.verification.verified).toBe(true);
    }
    expect(await replays(on)).toBe(hitsBefore);
  });
});
