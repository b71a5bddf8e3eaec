import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFORMANCE_DIR } from '../support/paths.js';
import type { DiscoveryResult, LegacySignature } from '../../src/discovery/types.js';
import { rekorAnnotation, simpleSigningClaims } from '../integration/verification/discovered.js';

/** Real cosign signatures from containers/image (see NOTICE.md next to them). */
export const FIXTURES = join(CONFORMANCE_DIR, 'cosign-real/containers-image/signature/fixtures');

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/**
 * One `signature-N` file (containers/image on-disk format: `\0sigstore-json\n` + JSON with the
 * layer's media type, base64 payload and annotations) as the LegacySignature discovery would hand us.
 * Discovery's own parsing is not under test here, so this is a direct, minimal translation.
 */
export function readLegacySignature(path: string, subjectDigest: string): LegacySignature {
  const bytes = readFileSync(path);
  const json = JSON.parse(bytes.subarray(bytes.indexOf(0x0a) + 1).toString('utf8')) as {
    payload: string;
    annotations: Record<string, string>;
  };
  const payload = Buffer.from(json.payload, 'base64');
  const a = json.annotations;
  return {
    kind: 'legacy-tag',
    subjectDigest,
    manifestDigest: 'sha256:' + '0'.repeat(64),
    layerDigest: sha256(payload),
    payload,
    signature: a['dev.cosignproject.cosign/signature'] ?? '',
    certificatePem: a['dev.sigstore.cosign/certificate'],
    chainPem: a['dev.sigstore.cosign/chain'],
    rekorBundle: rekorAnnotation(a['dev.sigstore.cosign/bundle']),
    rfc3161Timestamp: undefined,
    claims: simpleSigningClaims(payload),
    annotations: a,
  };
}

/** A fixture directory as a discovery result for the digest of its manifest.json. */
export function fixtureDiscovery(caseName: string): DiscoveryResult {
  const dir = join(FIXTURES, caseName);
  const subjectDigest = sha256(readFileSync(join(dir, 'manifest.json')));
  const signatures = readdirSync(dir)
    .filter((f) => f.startsWith('signature-'))
    .sort()
    .map((f) => readLegacySignature(join(dir, f), subjectDigest));
  return { subjectDigest, signatures, problems: [] };
}

export const publicKey = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
export const fixtureExists = (caseName: string): boolean => existsSync(join(FIXTURES, caseName));
