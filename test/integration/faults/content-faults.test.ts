import { loadConfig } from '../../../src/config/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultRule } from './fault-proxy.js';
import {
  codesOf,
  expectRecovered,
  expectRecoveredWithin,
  expectRefusedWith,
  startFaultWorld,
  type FaultWorld,
  type SignedImage,
} from './world.js';

/**
 * Answers that arrive but are wrong: bodies cut short, bytes that do not match their digest, and
 * manifests that are not manifests (an HTML page, a JSON error page served with 200). Each case runs
 * on a fresh service (an empty cache), is refused with a code and never `verified: true`, and the
 * same query verifies on that service once the proxy passes the real answers again.
 */
const REPOS = [
  'content/cut-manifest',
  'content/cut-signature',
  'content/bad-manifest',
  'content/bad-tag',
  'content/bad-signature',
  'content/html',
  'content/json-page',
  'content/html-sig',
];
const HTML = '<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>';
const JSON_PAGE = '{"error":"upstream unavailable","status":502}';

describe('when the registry answers with the wrong bytes', () => {
  let world: FaultWorld;
  beforeAll(async () => {
    world = await startFaultWorld(REPOS);
  });
  afterAll(async () => {
    await world?.stop();
  });
  const image = (repo: string): SignedImage => world.images.find((i) => i.repository === repo)!;
  const byDigest = (i: SignedImage) => `${world.proxy.host}/${i.repository}@${i.image.digest}`;
  const manifestOf = (i: SignedImage) => (_m: string, path: string) =>
    path === `/v2/${i.repository}/manifests/${i.image.digest}` || path === `/v2/${i.repository}/manifests/v1`;
  const signatureBlobOf = (i: SignedImage) => (_m: string, path: string) =>
    path.startsWith(`/v2/${i.repository}/blobs/`);
  const signatureTagOf = (i: SignedImage) => (_m: string, path: string) =>
    path === `/v2/${i.repository}/manifests/sha256-${i.image.digest.slice('sha256:'.length)}.sig`;

  /**
   * Arms `rule`, checks the refusal, heals, checks the same service verifies the same reference. A
   * fault the service takes as the registry's final word (a digest mismatch, a malformed signature:
   * src/discovery/registry-failures.ts) gives a FAILED verdict that is reused for the failure TTL,
   * so these services keep it for 1 s and recovery is awaited for a bounded 5 s.
   */
  async function refusedThenRecovered(
    ref: string,
    rule: FaultRule,
    expected: readonly string[],
    verdict: 'kept for the failure TTL' | 'never kept' = 'never kept',
  ) {
    const cache = { ...loadConfig({}).cache, failureTtlSeconds: 1 };
    const service = await world.startService({}, { cache });
    world.proxy.inject(rule);
    const reply = await service.verify(ref);
    expect(
      world.proxy.requests.some((r) => r.faulted),
      'the fault was reached',
    ).toBe(true);
    expect(reply.data?.image?.verification?.verified ?? false).toBe(false);
    expect(
      codesOf(reply).some((code) => expected.includes(code)),
      JSON.stringify(codesOf(reply)),
    ).toBe(true);
    world.proxy.heal();
    if (verdict === 'never kept') await expectRecovered(service, ref);
    else await expectRecoveredWithin(service, ref, 5_000);
    return reply;
  }

  describe('and the manifest body is cut short (Content-Length larger than what is sent)', () => {
    it('is refused as a registry failure, never parsed as a manifest', async () => {
      const i = image('content/cut-manifest');
      await refusedThenRecovered(i.ref, { match: manifestOf(i), fault: { kind: 'truncate' } }, [
        'REGISTRY_UNAVAILABLE',
        'REGISTRY_PROTOCOL_ERROR',
      ]);
    });
  });

  describe('and the signature payload blob is cut short', () => {
    it('does not count the signature: the image is not verified, with a registry code', async () => {
      const i = image('content/cut-signature');
      await refusedThenRecovered(i.ref, { match: signatureBlobOf(i), fault: { kind: 'truncate' } }, [
        'REGISTRY_UNAVAILABLE',
        'REGISTRY_PROTOCOL_ERROR',
      ]);
    });
  });

  describe('and the manifest fetched by digest does not hash to that digest', () => {
    it('is refused with DIGEST_MISMATCH', async () => {
      const i = image('content/bad-manifest');
      const reply = await refusedThenRecovered(
        byDigest(i),
        { match: manifestOf(i), fault: { kind: 'corrupt' } },
        ['DIGEST_MISMATCH'],
      );
      expectRefusedWith(reply, 'DIGEST_MISMATCH');
    });
  });

  describe('and the manifest fetched by tag does not hash to the Docker-Content-Digest it announced', () => {
    it('is refused with DIGEST_MISMATCH instead of being taken for another image', async () => {
      const i = image('content/bad-tag');
      const tagged = (_m: string, path: string) => path === `/v2/${i.repository}/manifests/v1`;
      await refusedThenRecovered(i.ref, { match: tagged, fault: { kind: 'corrupt' } }, ['DIGEST_MISMATCH']);
    });
  });

  describe('and the signature payload blob does not hash to its digest', () => {
    it('does not count the signature, naming DIGEST_MISMATCH', async () => {
      const i = image('content/bad-signature');
      await refusedThenRecovered(
        i.ref,
        { match: signatureBlobOf(i), fault: { kind: 'corrupt' } },
        ['DIGEST_MISMATCH'],
        'kept for the failure TTL',
      );
    });
  });

  describe('and the manifest is an HTML page served as text/html with status 200', () => {
    it('is refused as an unsupported media type or invalid manifest', async () => {
      const i = image('content/html');
      await refusedThenRecovered(
        i.ref,
        { match: manifestOf(i), fault: { kind: 'page', contentType: 'text/html', body: HTML } },
        ['UNSUPPORTED_MEDIA_TYPE', 'INVALID_MANIFEST'],
      );
    });
  });

  describe('and the manifest is a JSON error page served as application/json with status 200', () => {
    it('is refused as an unsupported media type or invalid manifest', async () => {
      const i = image('content/json-page');
      await refusedThenRecovered(
        i.ref,
        { match: manifestOf(i), fault: { kind: 'page', contentType: 'application/json', body: JSON_PAGE } },
        ['UNSUPPORTED_MEDIA_TYPE', 'INVALID_MANIFEST'],
      );
    });
  });

  describe('and the cosign signature tag answers with an HTML page', () => {
    it('finds no usable signature and says why, instead of verifying', async () => {
      const i = image('content/html-sig');
      await refusedThenRecovered(
        i.ref,
        { match: signatureTagOf(i), fault: { kind: 'page', contentType: 'text/html', body: HTML } },
        ['MALFORMED_SIGNATURE'],
        'kept for the failure TTL',
      );
    });
  });
});
