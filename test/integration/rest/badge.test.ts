import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../support/service.js';
import { assertWellFormedXml } from '../../support/well-formed-xml.js';
import { ContractClient } from './contract.js';
import { startWalkthrough, WALKTHROUGH_POLICY, type Walkthrough } from './walkthrough.js';

const TOKEN = 'badge-test-token-0123456789';

/** `GET /v1/badge` against a real registry holding a signed index, every answer checked against openapi.yaml. */
describe('GET /v1/badge', () => {
  let walkthrough: Walkthrough;
  let service: TestService;
  let api: ContractClient;
  const auth = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    walkthrough = await startWalkthrough();
    service = await startTestService({
      insecureRegistries: [walkthrough.registry.host],
      config: {
        apiTokens: [TOKEN],
        verification: { trustedRootPath: walkthrough.trustedRootPath, maxSignaturesPerDigest: 1000 },
      },
    });
    api = new ContractClient(service.url);
  });
  afterAll(async () => {
    await service?.stop();
    await walkthrough?.stop();
  });

  function badgePath(image: string, policy: unknown, extra: Record<string, string> = {}): string {
    const query = new URLSearchParams({ image, policy: JSON.stringify(policy), ...extra });
    return `/v1/badge?${query.toString()}`;
  }

  async function badge(image: string, policy: unknown, extra: Record<string, string> = {}) {
    const res = await api.request(badgePath(image, policy, extra), { headers: auth });
    expect(res.status, res.text).toBe(200);
    expect(res.contentType).toBe('image/svg+xml');
    assertWellFormedXml(res.text);
    return res.text;
  }

  it('draws a signed index as verified, in green, naming the image in its title', async () => {
    const svg = await badge(walkthrough.indexRef, WALKTHROUGH_POLICY);
    expect(svg).toContain('>verified</text>');
    expect(svg).toContain('fill="#4c1"');
    expect(svg).toContain(`<title>imprimatur: verified (${walkthrough.indexRef})</title>`);
  });

  it('draws a platform reached through the index as "via index", and the same digest alone as unsigned', async () => {
    const via = await badge(walkthrough.tagRef, WALKTHROUGH_POLICY, { platform: 'linux/amd64' });
    expect(via).toContain('>via index</text>');
    const alone = await badge(walkthrough.platformRef, WALKTHROUGH_POLICY, { label: 'signature' });
    expect(alone).toContain('>unsigned</text>');
    expect(alone).toContain('>signature</text>');
  });

  it('draws a wrong issuer as failed, in red', async () => {
    const svg = await badge(walkthrough.indexRef, {
      ...WALKTHROUGH_POLICY,
      certificateOidcIssuer: 'https://accounts.google.com',
    });
    expect(svg).toContain('>failed</text>');
    expect(svg).toContain('fill="#e05d44"');
  });

  it('needs the caller token like every route', async () => {
    const res = await api.request(badgePath(walkthrough.indexRef, WALKTHROUGH_POLICY));
    expect(res.status).toBe(401);
    expect(res.contentType).toBe('application/problem+json');
  });

  it('refuses bad input as problem+json naming the parameter, never as a badge', async () => {
    const cases: [string, string][] = [
      [`/v1/badge?image=${encodeURIComponent(walkthrough.indexRef)}`, 'policy'],
      [`/v1/badge?image=${encodeURIComponent(walkthrough.indexRef)}&policy=%7Bnot%20json`, 'policy'],
      [badgePath(walkthrough.indexRef, { certificateOidcIsuer: 'x' }), 'policy.certificateOidcIsuer'],
      [badgePath('Not A Reference', WALKTHROUGH_POLICY), 'image'],
      [badgePath(walkthrough.indexRef, WALKTHROUGH_POLICY, { label: '<b>' }), 'label'],
      [badgePath(walkthrough.indexRef, WALKTHROUGH_POLICY, { colour: 'red' }), 'colour'],
    ];
    for (const [path, field] of cases) {
      const res = await api.request(path, { headers: auth });
      expect(res.status, path).toBe(400);
      expect((res.body as { invalidParams: { name: string }[] }).invalidParams[0]?.name, path).toBe(field);
    }
  });

  it('answers from the verdict cache the second time', async () => {
    const policy = { ...WALKTHROUGH_POLICY, certificateIdentityRegexp: '^https://github.com/acme/app/' };
    await badge(walkthrough.indexRef, policy);
    // The badge's verdict is the one the verdict cache now holds: GraphQL reads it back as cached.
    const res = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        query:
          'query($ref: String!, $p: PolicyInput!) { image(ref: $ref) { verification(policy: $p) { status cached } } }',
        variables: { ref: walkthrough.indexRef, p: policy },
      }),
    });
    const body = (await res.json()) as {
      data: { image: { verification: { status: string; cached: boolean } } };
    };
    expect(body.data.image.verification).toEqual({ status: 'VERIFIED', cached: true });
  });
});
