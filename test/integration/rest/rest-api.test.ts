import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { readFile } from 'node:fs/promises';
import { pino } from 'pino';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type ImprimaturServer } from '../../../src/server.js';
import { freePort } from '../../support/registry/index.js';
import { startTestService, testConfig, type TestService } from '../../support/service.js';
import { ContractClient, SPEC_PATH, type ContractResponse } from './contract.js';
import {
  GITHUB_ISSUER,
  startWalkthrough,
  WALKTHROUGH_POLICY,
  WORKFLOW_SAN,
  type Walkthrough,
} from './walkthrough.js';

interface ProblemBody {
  readonly code: string;
  readonly status: number;
  readonly detail: string;
  readonly invalidParams?: readonly { name: string; reason: string }[];
  readonly registryCodes?: readonly string[];
  readonly retryable?: boolean;
}
interface VerifyBody {
  readonly image: string;
  readonly digest: string;
  readonly verified: boolean;
  readonly status: string;
  readonly hint: string | null;
  readonly errors: readonly { code: string; message: string }[];
  readonly signatures: readonly {
    verified: boolean;
    errors: readonly { code: string; message: string }[];
    identity: { subjectAlternativeName: string | null; issuer: string | null } | null;
    signature: { format: string; dockerManifestDigest: string | null } | null;
  }[];
}
interface ImageBody {
  readonly kind: string;
  readonly digest: string;
  readonly tag: string | null;
  readonly platforms: readonly string[];
  readonly manifests: readonly { digest: string; platform: string | null }[];
  readonly signatures: { count: number; simpleSigning: number; sigstoreBundle: number };
}

const problem = (response: ContractResponse) => response.body as ProblemBody;
const fieldOf = (response: ContractResponse) => problem(response).invalidParams?.[0]?.name;

/**
 * The REST facade against the real service, a real docker-registry holding the signed walkthrough
 * index, and the test Sigstore as trust root. Every response goes through the contract client,
 * which fails the test if it does not match openapi/openapi.yaml.
 */
describe('REST facade', () => {
  let walkthrough: Walkthrough;
  let service: TestService;
  let api: ContractClient;

  beforeAll(async () => {
    walkthrough = await startWalkthrough();
    service = await startTestService({
      insecureRegistries: [walkthrough.registry.host],
      config: {
        verification: { trustedRootPath: walkthrough.trustedRootPath, maxSignaturesPerDigest: 1000 },
      },
    });
    api = new ContractClient(service.url);
  });

  afterAll(async () => {
    await service?.stop();
    await walkthrough?.stop();
  });

  const verify = (image: string, policy: Record<string, unknown>) =>
    api.request('/v1/verify', { json: { image, policy } });

  describe('POST /v1/verify, the multi-platform walkthrough', () => {
    it('verifies the signed index with identity regexp and issuer, naming the signer', async () => {
      const response = await verify(walkthrough.indexRef, WALKTHROUGH_POLICY);
      expect(response.status).toBe(200);
      const body = response.body as VerifyBody;
      expect(body).toMatchObject({
        digest: walkthrough.indexDigest,
        verified: true,
        status: 'VERIFIED',
        errors: [],
      });
      expect(body.image).toBe(walkthrough.indexRef);
      expect(body.signatures).toHaveLength(1);
      expect(body.signatures[0]?.identity).toMatchObject({
        subjectAlternativeName: WORKFLOW_SAN,
        issuer: GITHUB_ISSUER,
      });
      expect(body.signatures[0]?.signature).toMatchObject({
        format: 'SIMPLE_SIGNING',
        dockerManifestDigest: walkthrough.indexDigest,
      });
    });

    it('verifies the index by tag to the same digest', async () => {
      const body = (await verify(walkthrough.tagRef, WALKTHROUGH_POLICY)).body as VerifyBody;
      expect(body).toMatchObject({ digest: walkthrough.indexDigest, status: 'VERIFIED' });
    });

    it('answers UNSIGNED for a platform digest on its own, with a hint naming the signed index', async () => {
      // The index was seen (and verified) above, so the service knows it lists this platform digest.
      const response = await verify(walkthrough.platformRef, WALKTHROUGH_POLICY);
      expect(response.status).toBe(200);
      const body = response.body as VerifyBody;
      expect(body).toMatchObject({ digest: walkthrough.platformDigest, verified: false, status: 'UNSIGNED' });
      expect(body.errors.map((e) => e.code)).toContain('NO_SIGNATURES');
      expect(body.hint).toContain(walkthrough.indexDigest);
    });

    it('verifies a platform reached through the signed index as VERIFIED_VIA_INDEX, naming the index', async () => {
      const response = await api.request('/v1/verify', {
        json: { image: walkthrough.tagRef, platform: 'linux/amd64', policy: WALKTHROUGH_POLICY },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        digest: walkthrough.platformDigest,
        verified: true,
        status: 'VERIFIED_VIA_INDEX',
        inheritedFrom: walkthrough.indexDigest,
      });
    });

    it('answers 404 PLATFORM_NOT_FOUND for a platform the index does not list', async () => {
      const response = await api.request('/v1/verify', {
        json: { image: walkthrough.tagRef, platform: 'windows/amd64', policy: WALKTHROUGH_POLICY },
      });
      expect(response.status).toBe(404);
      expect(problem(response).code).toBe('PLATFORM_NOT_FOUND');
    });

    it('fails a wrong issuer with cosign’s expected/got message', async () => {
      const body = (
        await verify(walkthrough.indexRef, {
          ...WALKTHROUGH_POLICY,
          certificateOidcIssuer: 'https://google.com',
        })
      ).body as VerifyBody;
      expect(body).toMatchObject({ verified: false, status: 'FAILED' });
      const issue = body.signatures[0]?.errors.find((e) => e.code === 'ISSUER_MISMATCH');
      expect(issue?.message).toBe(`expected issuer value "https://google.com", got "${GITHUB_ISSUER}"`);
    });

    it('fails a wrong identity regexp and reports the SAN the certificate has', async () => {
      const body = (
        await verify(walkthrough.indexRef, {
          ...WALKTHROUGH_POLICY,
          certificateIdentityRegexp: 'https://github.com/acm/app/.*',
        })
      ).body as VerifyBody;
      expect(body).toMatchObject({ verified: false, status: 'FAILED' });
      const issue = body.signatures[0]?.errors.find((e) => e.code === 'IDENTITY_MISMATCH');
      expect(issue?.message).toContain(`got "${WORKFLOW_SAN}"`);
    });

    it('gives the same answer as GraphQL for the same image and policy', async () => {
      const rest = (
        await verify(walkthrough.indexRef, {
          ...WALKTHROUGH_POLICY,
          certificateOidcIssuer: 'https://google.com',
        })
      ).body as VerifyBody;
      const graphql = await service.graphql<{ image: { verification: Record<string, unknown> } }>(
        `query($ref: String!, $policy: PolicyInput!) { image(ref: $ref) { verification(policy: $policy) {
           digest verified status errors { code message } signatures { verified errors { code message } } } } }`,
        {
          ref: walkthrough.indexRef,
          policy: { ...WALKTHROUGH_POLICY, certificateOidcIssuer: 'https://google.com' },
        },
      );
      expect(graphql.errors).toBeUndefined();
      expect(graphql.data?.image.verification).toEqual({
        digest: rest.digest,
        verified: rest.verified,
        status: rest.status,
        errors: rest.errors,
        signatures: rest.signatures.map((s) => ({ verified: s.verified, errors: s.errors })),
      });
    });
  });

  describe('POST /v1/verify-attestation', () => {
    const verifyAttestation = (json: Record<string, unknown>) =>
      api.request('/v1/verify-attestation', { json });

    it('verifies the index’s SLSA provenance by cosign’s short name, naming the signer', async () => {
      const response = await verifyAttestation({
        image: walkthrough.indexRef,
        predicateType: 'slsaprovenance1',
        policy: WALKTHROUGH_POLICY,
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        digest: walkthrough.indexDigest,
        predicateType: 'https://slsa.dev/provenance/v1',
        verified: true,
        status: 'VERIFIED',
        errors: [],
        attestations: [
          {
            verified: true,
            identity: { subjectAlternativeName: WORKFLOW_SAN, issuer: GITHUB_ISSUER },
            attestation: { source: 'LEGACY_TAG', signed: true },
          },
        ],
      });
    });

    it('verifies a platform reached through the index as VERIFIED_VIA_INDEX', async () => {
      const response = await verifyAttestation({
        image: walkthrough.indexRef,
        platform: 'linux/amd64',
        predicateType: 'https://slsa.dev/provenance/v1',
        policy: WALKTHROUGH_POLICY,
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        digest: walkthrough.platformDigest,
        status: 'VERIFIED_VIA_INDEX',
        inheritedFrom: walkthrough.indexDigest,
      });
    });

    it('answers UNSIGNED in cosign’s words for a type the image has no attestation of', async () => {
      const response = await verifyAttestation({
        image: walkthrough.indexRef,
        predicateType: 'spdx',
        policy: WALKTHROUGH_POLICY,
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        verified: false,
        status: 'UNSIGNED',
        errors: [
          {
            code: 'PREDICATE_TYPE_MISMATCH',
            message:
              'none of the attestations matched the predicate type: https://spdx.dev/Document, found: https://slsa.dev/provenance/v1',
          },
        ],
      });
    });

    it('applies CEL conditions to the verified statement, naming the one that fails', async () => {
      const holds = 'predicateType == "https://slsa.dev/provenance/v1"';
      const fails = 'predicateType.endsWith("/v0.2")';
      const ok = await verifyAttestation({
        image: walkthrough.indexRef,
        predicateType: 'slsaprovenance1',
        policy: WALKTHROUGH_POLICY,
        conditions: [holds],
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ verified: true, status: 'VERIFIED' });
      const failed = await verifyAttestation({
        image: walkthrough.indexRef,
        predicateType: 'slsaprovenance1',
        policy: WALKTHROUGH_POLICY,
        conditions: [holds, fails],
      });
      expect(failed.status).toBe(200);
      expect(failed.body).toMatchObject({
        verified: false,
        status: 'FAILED',
        attestations: [
          {
            verified: false,
            errors: [{ code: 'CONDITION_FAILED', message: `condition ${JSON.stringify(fails)} is false` }],
          },
        ],
      });
    });

    it('answers 400 INVALID_POLICY naming conditions for one that does not parse', async () => {
      const response = await verifyAttestation({
        image: walkthrough.indexRef,
        predicateType: 'slsaprovenance1',
        policy: WALKTHROUGH_POLICY,
        conditions: ['predicate.('],
      });
      expect(response.status).toBe(400);
      expect(problem(response).code).toBe('INVALID_POLICY');
      expect(fieldOf(response)).toBe('conditions');
    });

    it('answers 400 naming predicateType when it is missing, before any registry request', async () => {
      const response = await verifyAttestation({ image: walkthrough.indexRef, policy: WALKTHROUGH_POLICY });
      expect(response.status).toBe(400);
      expect(fieldOf(response)).toBe('predicateType');
    });
  });

  describe('POST /v1/verify with bad input answers 400 naming the field, before any registry request', () => {
    it.each([
      ['a missing image', { policy: WALKTHROUGH_POLICY }, 'image', 'BAD_REQUEST'],
      ['a missing policy', { image: 'alpine' }, 'policy', 'BAD_REQUEST'],
      [
        'an unknown top-level field',
        { image: 'alpine', policy: WALKTHROUGH_POLICY, tag: 'v1' },
        'tag',
        'BAD_REQUEST',
      ],
      [
        'a malformed platform',
        { image: 'alpine', platform: 'linux/', policy: WALKTHROUGH_POLICY },
        'platform',
        'INVALID_PLATFORM',
      ],
      [
        'an unparseable reference',
        { image: 'Not A Reference', policy: WALKTHROUGH_POLICY },
        'image',
        'INVALID_REFERENCE',
      ],
      [
        'a misspelt policy field',
        { image: 'alpine', policy: { ...WALKTHROUGH_POLICY, certificateOidcIsuer: 'x' } },
        'policy.certificateOidcIsuer',
        'BAD_REQUEST',
      ],
      [
        'a policy field of the wrong type',
        { image: 'alpine', policy: { ...WALKTHROUGH_POLICY, ignoreTlog: 'yes' } },
        'policy.ignoreTlog',
        'BAD_REQUEST',
      ],
      [
        'an annotation without a value',
        { image: 'alpine', policy: { ...WALKTHROUGH_POLICY, annotations: [{ key: 'env' }] } },
        'policy.annotations[0].value',
        'BAD_REQUEST',
      ],
      [
        'a keyless policy without an issuer',
        { image: 'alpine', policy: { certificateIdentity: WORKFLOW_SAN } },
        'policy',
        'INVALID_POLICY',
      ],
      [
        'an identity regexp that would compile to thousands of instructions',
        {
          image: 'alpine',
          policy: { ...WALKTHROUGH_POLICY, certificateIdentityRegexp: '\\pL{1000}\\pN{1000}' },
        },
        'policy.certificateIdentityRegexp',
        'INVALID_POLICY',
      ],
      [
        'an identity regexp RE2 cannot compile',
        { image: 'alpine', policy: { ...WALKTHROUGH_POLICY, certificateIdentityRegexp: '(unclosed' } },
        'policy.certificateIdentityRegexp',
        'INVALID_POLICY',
      ],
    ])('%s', async (_case, json, field, code) => {
      const response = await api.request('/v1/verify', { json });
      expect(response.status).toBe(400);
      expect(response.contentType).toBe('application/problem+json');
      expect(problem(response).code).toBe(code);
      expect(fieldOf(response)).toBe(field);
    });

    it('refuses a body that is not JSON', async () => {
      const response = await api.request('/v1/verify', {
        body: '{"image":',
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(400);
      expect(problem(response).code).toBe('INVALID_JSON');
    });

    it('refuses a body that is not declared as JSON (415), which also keeps cross-site form posts out', async () => {
      const response = await api.request('/v1/verify', {
        body: 'image=alpine',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(response.status).toBe(415);
    });

    it('refuses a body over 64 KiB with 413', async () => {
      const response = await api.request('/v1/verify', {
        json: { image: 'alpine', policy: { ...WALKTHROUGH_POLICY, key: 'x'.repeat(70 * 1024) } },
      });
      expect(response.status).toBe(413);
      expect(problem(response).code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('answers 405 with Allow for GET', async () => {
      const response = await api.request('/v1/verify');
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    });
  });

  describe('registry answers', () => {
    it('reports a tag the registry does not have as 404 with the distribution-spec code', async () => {
      const response = await verify(`${walkthrough.registry.host}/acme/app:no-such-tag`, WALKTHROUGH_POLICY);
      expect(response.status).toBe(404);
      expect(problem(response).code).toBe('MANIFEST_UNKNOWN');
      expect(problem(response).registryCodes).toContain('MANIFEST_UNKNOWN');
    });
  });

  describe('GET /v1/images/{ref}', () => {
    it('describes the index: four platforms and one (unverified) legacy signature', async () => {
      const response = await api.request(`/v1/images/${encodeURIComponent(walkthrough.tagRef)}`);
      expect(response.status).toBe(200);
      const body = response.body as ImageBody;
      expect(body).toMatchObject({ kind: 'index', digest: walkthrough.indexDigest, tag: 'v1' });
      expect(body.platforms).toEqual(['linux/amd64', 'linux/arm64', 'linux/ppc64le', 'linux/s390x']);
      expect(body.manifests.map((m) => m.digest)).toContain(walkthrough.platformDigest);
      expect(body.signatures).toMatchObject({ count: 1, simpleSigning: 1, sigstoreBundle: 0 });
    });

    it('describes a platform manifest, its platform read from its config, with no signatures', async () => {
      // Unencoded, as people type it: the rest of the path is the reference.
      const response = await api.request(`/v1/images/${walkthrough.platformRef}`);
      expect(response.status).toBe(200);
      const body = response.body as ImageBody;
      expect(body).toMatchObject({ kind: 'manifest', digest: walkthrough.platformDigest, manifests: [] });
      expect(body.platforms).toEqual(['linux/amd64']);
      expect(body.signatures.count).toBe(0);
    });

    it('answers 400 naming ref for an unparseable reference', async () => {
      const response = await api.request(`/v1/images/${encodeURIComponent('UPPER/case')}`);
      expect(response.status).toBe(400);
      expect(fieldOf(response)).toBe('ref');
    });

    it('answers 404 for a repository the registry does not know', async () => {
      const response = await api.request(
        `/v1/images/${encodeURIComponent(`${walkthrough.registry.host}/nobody/here:v1`)}`,
      );
      expect(response.status).toBe(404);
      expect(['NAME_UNKNOWN', 'MANIFEST_UNKNOWN']).toContain(problem(response).code);
    });
  });

  describe('requests a browser sends for another site', () => {
    it.each([
      ['GET', `/v1/images/${encodeURIComponent('alpine')}`],
      ['POST', '/v1/verify'],
    ])('%s %s is refused with 403 before any registry request', async (method, path) => {
      const response = await api.request(path, {
        method,
        headers: { 'sec-fetch-site': 'cross-site' },
        ...(method === 'POST' ? { json: { image: 'alpine', policy: WALKTHROUGH_POLICY } } : {}),
      });
      expect(response.status).toBe(403);
      expect(problem(response).code).toBe('CROSS_SITE_REQUEST');
    });

    it('lets the same origin through', async () => {
      const response = await api.request(`/v1/images/${encodeURIComponent(walkthrough.tagRef)}`, {
        headers: { 'sec-fetch-site': 'same-origin' },
      });
      expect(response.status).toBe(200);
    });
  });

  describe('operations', () => {
    it('is ready when the trust root can verify now', async () => {
      const response = await api.request('/readyz');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        status: 'ready',
        checks: [
          {
            name: 'trustRoot',
            ok: true,
            state: 'ok',
            // The test Sigstore's file, fixed: nothing to refresh.
            detail: {
              roots: [
                expect.objectContaining({ name: 'default', default: true, origin: 'file', refreshes: false }),
              ],
            },
          },
          { name: 'cache', ok: true, state: 'ok' },
        ],
      });
    });

    it('serves the OpenAPI document it implements', async () => {
      const response = await api.request('/openapi.yaml');
      expect(response.status).toBe(200);
      expect(response.contentType).toBe('application/yaml');
      expect(response.text).toBe(await readFile(SPEC_PATH, 'utf8'));
      expect(parse(response.text)).toMatchObject({ openapi: '3.1.0' });
    });

    it('answers the liveness probe', async () => {
      expect((await api.request('/healthz')).status).toBe(200);
      expect((await api.request('/healthz', { method: 'DELETE' })).status).toBe(405);
    });

    it('draws the signed index as a "verified" badge (GET /v1/badge; more in badge.test.ts)', async () => {
      const query = new URLSearchParams({
        image: walkthrough.indexRef,
        policy: JSON.stringify(WALKTHROUGH_POLICY),
      });
      const response = await api.request(`/v1/badge?${query.toString()}`);
      expect(response.status).toBe(200);
      expect(response.text).toContain('>verified</text>');
    });

    it('has exercised every operation of the spec with a success answer', () => {
      const succeeded = new Set([...api.seen].filter((s) => s.endsWith(' 200')).map((s) => s.split(' ')[0]));
      expect([...succeeded].sort()).toEqual(api.operationIds().sort());
    });
  });
});

describe('REST facade when the registry is in trouble', () => {
  let silent: TcpServer;
  const sockets = new Set<Socket>();
  let silentHost: string;
  let downHost: string;
  let server: ImprimaturServer;
  let api: ContractClient;

  beforeAll(async () => {
    // A registry that accepts connections and never answers: only a timeout ends the wait.
    silent = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    silentHost = `127.0.0.1:${address.port}`;
    // Nothing listens on a port just freed.
    downHost = `127.0.0.1:${await freePort()}`;
    const base = testConfig({ insecureRegistries: [silentHost, downHost] });
    const config = {
      ...base,
      registry: { ...base.registry, requestTimeoutMs: 300, maxRetries: 0 },
      // A Redis nobody listens on: the cache runs degraded (memory only).
      cache: { ...base.cache, url: `redis://127.0.0.1:${await freePort()}` },
    };
    server = await createServer(config, {
      logger: pino({ level: 'silent' }),
      readinessChecks: [
        {
          name: 'extra',
          check() {
            throw new Error('store unreachable');
          },
        },
      ],
    });
    const { url } = await server.listen();
    api = new ContractClient(url);
  });

  afterAll(async () => {
    await server?.stop();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent?.close(() => resolve()));
  });

  const policy = WALKTHROUGH_POLICY;

  it('answers 502 REGISTRY_UNAVAILABLE, retryable, when the registry refuses connections', async () => {
    const response = await api.request('/v1/verify', { json: { image: `${downHost}/acme/app:v1`, policy } });
    expect(response.status).toBe(502);
    expect(problem(response)).toMatchObject({ code: 'REGISTRY_UNAVAILABLE', retryable: true });
  });

  it('answers 504 REGISTRY_TIMEOUT when the registry does not answer in time', async () => {
    const response = await api.request(`/v1/images/${encodeURIComponent(`${silentHost}/acme/app:v1`)}`);
    expect(response.status).toBe(504);
    expect(problem(response).code).toBe('REGISTRY_TIMEOUT');
  });

  it('answers 403 REGISTRY_FORBIDDEN for a non-public registry address the operator did not list', async () => {
    const response = await api.request('/v1/verify', {
      json: { image: '127.0.0.2:5000/acme/app:v1', policy },
    });
    expect(response.status).toBe(403);
    expect(problem(response).code).toBe('REGISTRY_FORBIDDEN');
  });

  it('answers 504 REQUEST_DEADLINE_EXCEEDED when the request deadline runs out before a slow registry answers', async () => {
    const base = testConfig({ insecureRegistries: [silentHost] });
    const deadlined = await createServer(
      {
        ...base,
        requestDeadlineMs: 150,
        registry: { ...base.registry, requestTimeoutMs: 10_000, maxRetries: 0 },
      },
      { logger: pino({ level: 'silent' }) },
    );
    try {
      const { url } = await deadlined.listen();
      const started = Date.now();
      const response = await new ContractClient(url).request('/v1/verify', {
        json: { image: `${silentHost}/acme/app:v1`, policy },
      });
      expect(response.status).toBe(504);
      expect(problem(response).code).toBe('REQUEST_DEADLINE_EXCEEDED');
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await deadlined.stop();
    }
  });

  it('is not ready while a readiness check added through the hook fails, and says which; an unreachable Redis only degrades', async () => {
    const response = await api.request('/readyz');
    expect(response.status).toBe(503);
    expect(response.body).toEqual({
      status: 'unavailable',
      checks: [
        { name: 'trustRoot', ok: true, state: 'ok', detail: { roots: [expect.anything()] } },
        { name: 'cache', ok: true, state: 'degraded' },
        { name: 'extra', ok: false, state: 'failing' },
      ],
    });
    // The check's message stays in the log: it could name a store address.
    expect(response.text).not.toContain('store unreachable');
  });
});
