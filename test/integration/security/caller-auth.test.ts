import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../support/service.js';
import { INTROSPECTION_OFF_MESSAGE } from '../../../src/graphql/introspection-rule.js';

const TOKEN = 'caller-token-0123456789abcdef';
const OTHER = 'second-token-fedcba9876543210';

/** IMPRIMATUR_API_TOKENS against the real HTTP server. */
describe('caller authentication', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService({
      insecureRegistries: [],
      config: { apiTokens: [TOKEN, OTHER], graphiql: false },
    });
  });
  afterAll(async () => service?.stop());

  const query = (authorization?: string) =>
    fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(authorization === undefined ? {} : { authorization }),
      },
      body: JSON.stringify({ query: '{ __typename }' }),
    });

  it('refuses a GraphQL request without a token with 401, UNAUTHENTICATED and a Bearer challenge', async () => {
    const res = await query();
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="imprimatur"');
    expect(await res.json()).toEqual({
      errors: [{ message: 'a valid bearer token is required', extensions: { code: 'UNAUTHENTICATED' } }],
    });
  });

  it.each([
    ['a wrong token', `Bearer ${TOKEN.slice(0, -1)}x`],
    ['a prefix of a token', `Bearer ${TOKEN.slice(0, 8)}`],
    ['a token with something appended', `Bearer ${TOKEN}x`],
    ['the token as Basic credentials', `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`],
    ['the bare token', TOKEN],
  ])('refuses %s', async (_what, authorization) => {
    expect((await query(authorization)).status).toBe(401);
  });

  it('accepts every configured token', async () => {
    for (const token of [TOKEN, OTHER]) {
      const res = await query(`Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ data: { __typename: 'Query' } });
    }
  });

  it('guards the REST facade too, answering in its problem+json shape', async () => {
    const res = await fetch(`${service.url}/v1/images/${encodeURIComponent('ghcr.io/a/b:v1')}`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="imprimatur"');
    expect(await res.json()).toMatchObject({ type: 'about:blank', status: 401, code: 'UNAUTHENTICATED' });
  });

  it('leaves /healthz, /readyz and /metrics open for probes and scrapers', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      const res = await fetch(`${service.url}${path}`);
      expect(res.status, path).not.toBe(401);
      await res.arrayBuffer();
    }
  });

  it('keeps introspection off when GraphiQL is off, even for an authenticated caller', async () => {
    const res = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }),
    });
    const body = (await res.json()) as { data?: unknown; errors?: { message: string }[] };
    expect(res.status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.message).toBe(INTROSPECTION_OFF_MESSAGE);
    expect(body.errors?.[0]?.message).toContain('IMPRIMATUR_GRAPHIQL=false');
  });

  describe('with GraphiQL on', () => {
    let withPage: TestService;

    beforeAll(async () => {
      withPage = await startTestService({
        insecureRegistries: [],
        config: { apiTokens: [TOKEN], graphiql: true },
        graphiql: (_req, res) =>
          void res.writeHead(200, { 'content-type': 'text/html' }).end('<title>GraphiQL</title>'),
      });
    });
    afterAll(async () => withPage?.stop());

    it('serves the page without a token, but not the queries it sends', async () => {
      const page = await fetch(`${withPage.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('GraphiQL');
      const query = await fetch(`${withPage.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
        headers: { accept: 'text/html', 'apollo-require-preflight': 'true' },
      });
      expect(query.status).toBe(401);
    });
  });
});
