import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, pushImage, startTestRegistry, type TestRegistry } from '../../support/registry/index.js';
import { startTestService, type TestService } from '../../support/service.js';
import {
  createTestSigstore,
  pushBundleReferrer,
  type TestSigstore,
  type TrustedRootJson,
} from '../../support/sigstore/index.js';
import { createTestTufRepository, type TestTufRepository } from '../../support/tuf/test-tuf-repository.js';

/**
 * The running service with two named roots, as an operator would configure public-good beside
 * GitHub's: `public-good` from a file (a test Sigstore standing in for it) and `github` refreshed
 * through TUF from a loopback repository (another test Sigstore standing in for GitHub's Fulcio and
 * TSA). Policies pick roots; verdicts name theirs; a rotation in the github repository takes effect
 * without restart and no cached verdict outlives the root it was computed under.
 */

const ISSUER = 'https://token.actions.githubusercontent.com';
const SAN = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const POLICY = { certificateIdentity: SAN, certificateOidcIssuer: ISSUER };

let registry: TestRegistry;
let publicGood: TestSigstore;
let github: TestSigstore;
let githubNext: TestSigstore;
let repo: TestTufRepository;
let service: TestService;
let dir: string;
const refs: Record<'publicGood' | 'github' | 'githubNext', string> = {
  publicGood: '',
  github: '',
  githubNext: '',
};

interface Reply {
  readonly verified: boolean;
  readonly status: string;
  readonly cached: boolean;
  readonly trustRoot: { name: string; id: string } | null;
  readonly signatures: readonly {
    verified: boolean;
    trustRoot: { name: string; id: string } | null;
    errors: { code: string; message: string }[];
  }[];
}

async function verify(ref: string, policy: Record<string, unknown>) {
  return service.graphql<{ image: { verification: Reply } }>(
    `query($ref: String!, $policy: PolicyInput!) {
       image(ref: $ref) { verification(policy: $policy) {
         verified status cached trustRoot { name id }
         signatures { verified trustRoot { name id } errors { code message } }
       } }
     }`,
    { ref, policy },
  );
}
const verdict = async (ref: string, policy: Record<string, unknown>) => {
  const reply = await verify(ref, policy);
  expect(reply.errors).toBeUndefined();
  return reply.data!.image.verification;
};

function merged(a: TrustedRootJson, b: TrustedRootJson): TrustedRootJson {
  return {
    ...a,
    tlogs: [...a.tlogs, ...b.tlogs],
    certificateAuthorities: [...a.certificateAuthorities, ...b.certificateAuthorities],
    ctlogs: [...a.ctlogs, ...b.ctlogs],
    timestampAuthorities: [...a.timestampAuthorities, ...b.timestampAuthorities],
  };
}

beforeAll(async () => {
  registry = await startTestRegistry();
  [publicGood, github, githubNext] = [createTestSigstore(), createTestSigstore(), createTestSigstore()];
  for (const [name, sigstore] of [
    ['publicGood', publicGood],
    ['github', github],
    ['githubNext', githubNext],
  ] as const) {
    const image = buildImage({ os: 'linux', architecture: 'amd64' });
    await pushImage({ url: registry.url }, 'acme/app', image, name);
    const identity = sigstore.issueCertificate({ san: { uri: SAN }, issuer: ISSUER });
    await pushBundleReferrer(
      { url: registry.url },
      'acme/app',
      image,
      sigstore.signBundle({ imageDigest: image.digest, identity }),
    );
    refs[name] = `${registry.host}/acme/app@${image.digest}`;
  }
  repo = await createTestTufRepository();
  repo.publish(github.trustedRoot);
  dir = mkdtempSync(join(tmpdir(), 'imprimatur-named-roots-'));
  const publicGoodPath = await publicGood.writeTrustedRoot(dir);
  const githubRootPath = join(dir, 'github-root.json');
  writeFileSync(githubRootPath, repo.initialRoot);
  service = await startTestService({
    insecureRegistries: [registry.host],
    config: {
      verification: {
        trustedRootPath: undefined,
        maxSignaturesPerDigest: 100,
        trustRoots: {
          roots: [
            { name: 'public-good', floor: { kind: 'file', path: publicGoodPath } },
            { name: 'github', tuf: { mirror: repo.url, initialRootPath: githubRootPath }, floor: undefined },
          ],
          cacheDir: join(dir, 'tuf'),
          refreshIntervalSeconds: 3600,
          fetchTimeoutMs: 2_000,
        },
      },
    },
  });
  // The github root has no floor: it is usable once its first refresh (started in the background) is in.
  await service.server.trustRoots.refreshAll();
});

afterAll(async () => {
  await service?.stop();
  await registry?.stop();
  await repo?.stop().catch(() => undefined);
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('named trust roots', () => {
  it('verifies against the default root alone when the policy names none, and says so', async () => {
    const v = await verdict(refs.publicGood, POLICY);
    expect(v).toMatchObject({ verified: true, trustRoot: { name: 'public-good' } });
    expect(v.signatures[0]?.trustRoot?.name).toBe('public-good');
    // GitHub's signature is not trusted by the public-good root: today's answer, unchanged.
    const g = await verdict(refs.github, POLICY);
    expect(g).toMatchObject({ verified: false, status: 'FAILED', trustRoot: null });
    expect(g.signatures[0]?.errors.map((e) => e.code)).toEqual(['CERTIFICATE_UNTRUSTED']);
  });

  it('verifies what the github root trusts and public-good rejects, and the reverse', async () => {
    const g = await verdict(refs.github, { ...POLICY, trustRoot: 'github' });
    expect(g).toMatchObject({ verified: true, status: 'VERIFIED', trustRoot: { name: 'github' } });
    expect(g.trustRoot?.id).toBe(service.server.trustRoots.get('github')!.current!.id);
    const p = await verdict(refs.publicGood, { ...POLICY, trustRoot: ['github'] });
    expect(p).toMatchObject({ verified: false, status: 'FAILED' });
    expect(p.signatures[0]?.errors.map((e) => e.code)).toEqual(['CERTIFICATE_UNTRUSTED']);
  });

  it('accepts either root when the policy names both, naming the one that verified', async () => {
    const both = { ...POLICY, trustRoot: ['public-good', 'github'] };
    expect((await verdict(refs.publicGood, both)).trustRoot?.name).toBe('public-good');
    expect((await verdict(refs.github, both)).trustRoot?.name).toBe('github');
    const neither = await verdict(refs.githubNext, both);
    expect(neither.signatures[0]?.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^trust root public-good: /),
      expect.stringMatching(/^trust root github: /),
    ]);
  });

  it('refuses a policy naming a root that is not configured', async () => {
    const reply = await verify(refs.github, { ...POLICY, trustRoot: ['gihtub'] });
    expect(reply.errors?.[0]?.extensions?.code).toBe('INVALID_POLICY');
    expect(reply.errors?.[0]?.message).toMatch(
      /"gihtub" is not a configured trust root \(configured: public-good, github\)/,
    );
  });

  it('takes up a rotation of the github root without restart, and drops verdicts computed under the old one', async () => {
    const policy = { ...POLICY, trustRoot: 'github' };
    // Cached under the current github root.
    expect(await verdict(refs.github, policy)).toMatchObject({ verified: true, cached: true });
    expect((await verdict(refs.githubNext, policy)).verified).toBe(false);

    // A new key is introduced: both old and new trusted.
    repo.publish(merged(github.trustedRoot, githubNext.trustedRoot));
    expect((await service.server.trustRoots.refreshAll()).map((o) => o.outcome)).toEqual(['updated']);
    const next = await verdict(refs.githubNext, policy);
    expect(next).toMatchObject({ verified: true, trustRoot: { name: 'github' } });
    // Recomputed under the new root, not replayed from the old one's cache entry.
    expect(await verdict(refs.github, policy)).toMatchObject({ verified: true, cached: false });

    // The old key is revoked: the verdict that was VERIFIED (and cached) no longer is.
    repo.publish(githubNext.trustedRoot);
    await service.server.trustRoots.refreshAll();
    const revoked = await verdict(refs.github, policy);
    expect(revoked).toMatchObject({ verified: false, status: 'FAILED', cached: false });
    expect(revoked.signatures[0]?.errors.map((e) => e.code)).toEqual(['CERTIFICATE_UNTRUSTED']);
    // The public-good root was never touched.
    expect((await verdict(refs.publicGood, POLICY)).verified).toBe(true);
  });

  it('lists both roots in /readyz, the github one as fetched through TUF', async () => {
    const body = (await (await fetch(`${service.url}/readyz`)).json()) as {
      checks: { name: string; state: string; detail?: { roots: unknown[] } }[];
    };
    const check = body.checks.find((c) => c.name === 'trustRoot');
    expect(check?.state).toBe('ok');
    expect(check?.detail?.roots).toEqual([
      expect.objectContaining({ name: 'public-good', default: true, origin: 'file', refreshes: false }),
      expect.objectContaining({
        name: 'github',
        default: false,
        origin: 'tuf',
        refreshes: true,
        consecutiveFailures: 0,
      }),
    ]);
  });

  it('says over REST which root verified', async () => {
    const res = await fetch(`${service.url}/v1/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ image: refs.githubNext, policy: { ...POLICY, trustRoot: 'github' } }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      verified: boolean;
      trustRoot: unknown;
      signatures: { trustRoot: unknown }[];
    };
    expect(body).toMatchObject({ verified: true, trustRoot: { name: 'github' } });
    expect(body.signatures[0]?.trustRoot).toMatchObject({
      name: 'github',
      id: expect.stringMatching(/^sha256:/) as string,
    });
  });
});
