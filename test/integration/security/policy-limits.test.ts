import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildImage,
  buildIndex,
  FOUR_PLATFORMS,
  pushIndex,
  startTestRegistry,
  type TestRegistry,
} from '../../support/registry/index.js';
import { startTestService, type TestService } from '../../support/service.js';
import { startCountingProxy, type CountingProxy } from '../graph/counting-proxy.js';

/**
 * Policy size caps (src/verification/policy/policy-limits.ts) hold before any registry request, even
 * for a `verification` nested under a manifest list that would otherwise be fetched first. The
 * registry sits behind a counting proxy, so "no request" is observed from outside.
 */
const ISSUER = 'https://token.actions.githubusercontent.com';
/** The issue's half-megabyte alternation, in spirit: far over the 1024-character cap. */
const HUGE_REGEXP = Array(40_000).fill('repo-x').join('|');

describe('an oversized policy', () => {
  let registry: TestRegistry;
  let proxy: CountingProxy;
  let service: TestService;
  let ref: string;

  beforeAll(async () => {
    registry = await startTestRegistry();
    const index = buildIndex(FOUR_PLATFORMS.map((p) => buildImage(p)));
    await pushIndex({ url: registry.url }, 'acme/app', index, 'v1');
    proxy = await startCountingProxy(registry.url);
    service = await startTestService({ insecureRegistries: [proxy.host] });
    ref = `${proxy.host}/acme/app:v1`;
  });
  afterAll(async () => {
    await service?.stop();
    await proxy?.stop();
    await registry?.stop();
  });

  it('in a variable is refused with INVALID_POLICY and HTTP 400 before the index is fetched', async () => {
    proxy.reset();
    const reply = await service.graphql(
      `query($ref: String!, $policy: PolicyInput!) {
         image(ref: $ref) { manifestList { manifests { verification(policy: $policy) { status } } } }
       }`,
      { ref, policy: { certificateIdentityRegexp: HUGE_REGEXP, certificateOidcIssuer: ISSUER } },
    );
    expect(reply.status).toBe(400);
    expect(reply.data).toBeUndefined();
    expect(reply.errors).toEqual([
      {
        message: 'certificateIdentityRegexp is 279999 characters long; at most 1024 are accepted',
        locations: [expect.any(Object)],
        extensions: { code: 'INVALID_POLICY' },
      },
    ]);
    expect(proxy.requests).toEqual([]);
  });

  it('written in the query is refused the same way, also when its repeats would compile large', async () => {
    proxy.reset();
    const reply = await service.graphql(
      `{ image(ref: "${ref}") { manifestList { manifests {
           verification(policy: { certificateIdentity: "a", certificateOidcIssuerRegexp: "\\\\pL{999}\\\\pN{999}" }) { status }
       } } } }`,
    );
    expect(reply.status).toBe(400);
    expect(reply.errors?.[0]?.extensions).toEqual({ code: 'INVALID_POLICY' });
    expect(reply.errors?.[0]?.message).toMatch(
      /^certificateOidcIssuerRegexp is too large a regular expression/,
    );
    expect(proxy.requests).toEqual([]);
  });

  it('is refused when the distinct regexps of all policies of the operation are too large together', async () => {
    proxy.reset();
    const aliases = Array.from(
      { length: 5 },
      (_, i) =>
        `v${i}: verification(policy: { certificateIdentity: "a", certificateOidcIssuerRegexp: "x${i}{990}" }) { status }`,
    );
    const reply = await service.graphql(`{ image(ref: "${ref}") { ${aliases.join(' ')} } }`);
    expect(reply.status).toBe(400);
    expect(reply.errors?.[0]?.extensions).toEqual({ code: 'INVALID_POLICY' });
    expect(reply.errors?.[0]?.message).toMatch(
      /^the regular expressions of the policies in this operation are too large together: about \d+ RE2 instructions; at most 4000 are accepted$/,
    );
    expect(proxy.requests).toEqual([]);
  });

  it('counts the matches() patterns of CEL conditions in the same total', async () => {
    proxy.reset();
    const aliases = Array.from(
      { length: 5 },
      (_, i) =>
        `a${i}: attestationVerification(policy: { certificateIdentity: "a", certificateOidcIssuer: "b" }, ` +
        `predicateType: "slsaprovenance1", conditions: ["predicateType.matches(\\"x${i}{990}\\")"]) { status }`,
    );
    const reply = await service.graphql(`{ image(ref: "${ref}") { ${aliases.join(' ')} } }`);
    expect(reply.status).toBe(400);
    expect(reply.errors?.[0]?.extensions).toEqual({ code: 'INVALID_POLICY' });
    expect(reply.errors?.[0]?.message).toMatch(
      /^the regular expressions of the policies in this operation are too large together: about \d+ RE2 instructions; at most 4000 are accepted$/,
    );
    expect(proxy.requests).toEqual([]);
  });

  it('counts a pattern repeated by many fields once: it is compiled once', async () => {
    proxy.reset();
    const aliases = Array.from(
      { length: 10 },
      (_, i) =>
        `v${i}: verification(policy: { certificateIdentity: "a", certificateOidcIssuerRegexp: "x{990}" }) { status }`,
    );
    const reply = await service.graphql(`{ image(ref: "${ref}") { ${aliases.join(' ')} } }`);
    expect(reply.status).toBe(200);
    expect(reply.errors).toBeUndefined();
  });

  it('does not stop a query whose policies are within the caps', async () => {
    proxy.reset();
    const reply = await service.graphql<{
      image: { manifestList: { manifests: { verification: { status: string } }[] } };
    }>(
      `query($ref: String!, $policy: PolicyInput!) {
         image(ref: $ref) { manifestList { manifests { verification(policy: $policy) { status } } } }
       }`,
      {
        ref,
        policy: { certificateIdentityRegexp: '^https://github\\.com/acme/', certificateOidcIssuer: ISSUER },
      },
    );
    expect(reply.errors).toBeUndefined();
    expect(reply.data?.image.manifestList.manifests.map((m) => m.verification.status)).toEqual(
      FOUR_PLATFORMS.map(() => 'UNSIGNED'),
    );
    expect(proxy.requests.length).toBeGreaterThan(0);
  });
});
