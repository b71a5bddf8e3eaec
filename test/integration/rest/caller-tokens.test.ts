import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../support/service.js';
import { ContractClient } from './contract.js';
import { WALKTHROUGH_POLICY } from './walkthrough.js';

const TOKEN = 'rest-contract-token-0123456789';

/** With IMPRIMATUR_API_TOKENS set, REST routes need a token and probes do not — as the spec says. */
describe('REST facade with caller tokens configured', () => {
  let service: TestService;
  let api: ContractClient;

  beforeAll(async () => {
    service = await startTestService({ insecureRegistries: [], config: { apiTokens: [TOKEN] } });
    api = new ContractClient(service.url);
  });
  afterAll(async () => service?.stop());

  it('answers 401 with a Bearer challenge to a verify request without a token', async () => {
    const response = await api.request('/v1/verify', {
      json: { image: 'alpine', policy: WALKTHROUGH_POLICY },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="imprimatur"');
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect((response.body as { detail: string }).detail).toContain('IMPRIMATUR_API_TOKENS');
  });

  it('lets a request with a token through to the REST facade itself', async () => {
    const response = await api.request('/v1/verify', {
      json: { image: 'Not A Reference', policy: WALKTHROUGH_POLICY },
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.status).toBe(400);
    expect((response.body as { code: string }).code).toBe('INVALID_REFERENCE');
  });

  it('keeps the OpenAPI document behind the token too, and the probes open', async () => {
    expect((await api.request('/openapi.yaml')).status).toBe(401);
    expect(
      (await api.request('/openapi.yaml', { headers: { authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(200);
    expect((await api.request('/readyz')).status).toBe(200);
    expect((await api.request('/healthz')).status).toBe(200);
  });
});
