import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { json } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import type { VerificationConfig } from '../../config/index.js';
import { EncodedCertificate } from '../certificate/encoded-certificate.js';
import { TrustRootError } from '../errors.js';
// Imported (not read from disk) so that `tsc` copies it into dist/ and tsx/vitest resolve it the
// same way: the service must start with no network and no file next to the binary.
import publicGoodTrustedRoot from './public-good-trusted-root.json' with { type: 'json' };

/** Sigstore trust material the service verifies against, loaded once at start-up. */
export interface TrustRoot {
  /** What @sigstore/verify consumes: CAs, transparency logs, CT logs, TSAs. */
  readonly material: TrustMaterial;
  /**
   * `sha256:<hex>` of the canonical JSON of the root. Any cached verification result must be keyed
   * by it: an answer computed under one root says nothing about another.
   */
  readonly id: string;
  /** Human description: `embedded public-good root` or the file path. */
  readonly source: string;
  /** The parsed root, for reporting (validity windows, log URLs). */
  readonly trustedRoot: TrustedRoot;
}

export interface ParseTrustRootOptions {
  /**
   * Require at least one certificate authority and one transparency log that are valid now.
   * True for the service (a root that can verify nothing is a misconfiguration to surface at
   * start-up); conformance tests turn it off to replay historical roots.
   */
  readonly requireCurrentAuthorities?: boolean;
  /** Clock for the currency check (tests). */
  readonly now?: Date;
}

/** Loads the embedded public-good root, or the file at `config.trustedRootPath`. Throws {@link TrustRootError}. */
export function loadTrustRoot(config: Pick<VerificationConfig, 'trustedRootPath'>): TrustRoot {
  const path = config.trustedRootPath;
  if (path === undefined) {
    return parseTrustRoot(publicGoodTrustedRoot, 'embedded Sigstore public-good trusted root');
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new TrustRootError(`cannot read trusted root ${path}: ${(cause as Error).message}`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new TrustRootError(`trusted root ${path} is not valid JSON: ${(cause as Error).message}`, {
      cause,
    });
  }
  return parseTrustRoot(parsed, path);
}

type CertAuthority = TrustMaterial['certificateAuthorities'][number];

/**
 * The same trust material with every CA and TSA certificate encoded once, now, at start-up: the
 * chain builder of @sigstore/verify otherwise re-encodes each of them to DER (and rebuilds their
 * keys) on every verification. The only verdicts kept are the trust root's own certificates' checks
 * of each other (see EncodedCertificate), and those a chain is built from are made now too.
 */
function withEncodedCertificates(material: TrustMaterial): TrustMaterial {
  const encoded = (authority: CertAuthority): CertAuthority => {
    const certChain = authority.certChain.map((certificate) =>
      EncodedCertificate.from(certificate).precompute(),
    );
    checkChainNow(certChain);
    return { ...authority, certChain };
  };
  return {
    ...material,
    certificateAuthorities: material.certificateAuthorities.map(encoded),
    timestampAuthorities: material.timestampAuthorities.map(encoded),
  };
}

/**
 * Makes, at start-up, the checks the chain builder makes of every signature's chain above the leaf:
 * each certificate against the next one in its chain (chains are listed from the issuing CA to the
 * root), and the last against itself when it is self-issued (the only case in which the chain
 * builder asks that). Their outcomes are remembered (both sides are fixed bytes of
 * this trust root), so the first verification after start no longer pays for them: with public-good
 * Fulcio's P-384 keys ~0.85 ms each. Whatever they answer is what the chain builder would have got;
 * one that throws (a key Node cannot load) is left for verification to fail on, as before, so a CA
 * nobody chains to cannot stop start-up.
 */
function checkChainNow(chain: readonly EncodedCertificate[]): void {
  chain.forEach((certificate, i) => {
    const selfIssued = certificate.subject.equals(certificate.issuer);
    const issuer = chain[i + 1] ?? (selfIssued ? certificate : undefined);
    if (issuer === undefined) return;
    try {
      certificate.verify(issuer);
    } catch {
      // See above.
    }
  });
}

/** Turns a parsed `trusted_root.json` into trust material; fully offline, never TUF. */
export function parseTrustRoot(raw: unknown, source: string, options: ParseTrustRootOptions = {}): TrustRoot {
  const { requireCurrentAuthorities = true, now = new Date() } = options;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new TrustRootError(`trusted root ${source} is not a JSON object`);
  }
  let trustedRoot: TrustedRoot;
  let material: TrustMaterial;
  try {
    trustedRoot = TrustedRoot.fromJSON(raw);
    // toTrustMaterial decodes every key and certificate: a corrupt one throws here, at start-up,
    // rather than on the first request that happens to need it.
    material = withEncodedCertificates(toTrustMaterial(trustedRoot));
  } catch (cause) {
    throw new TrustRootError(`trusted root ${source} is malformed: ${(cause as Error).message}`, { cause });
  }
  if (!trustedRoot.mediaType.startsWith('application/vnd.dev.sigstore.trustedroot')) {
    throw new TrustRootError(`trusted root ${source} has unexpected mediaType "${trustedRoot.mediaType}"`);
  }
  // The trusted-root spec makes `validFor.start` mandatory; @sigstore/verify would silently read a
  // missing start as "since 1970", stretching trust in a key back to before it existed.
  const undated = [
    ...trustedRoot.tlogs
      .filter((t) => t.publicKey?.validFor?.start === undefined)
      .map((t) => `tlog ${t.baseUrl}`),
    ...trustedRoot.ctlogs
      .filter((t) => t.publicKey?.validFor?.start === undefined)
      .map((t) => `ctlog ${t.baseUrl}`),
    ...trustedRoot.certificateAuthorities
      .filter((c) => c.validFor?.start === undefined)
      .map((c) => `CA ${c.uri}`),
    ...trustedRoot.timestampAuthorities
      .filter((c) => c.validFor?.start === undefined)
      .map((c) => `TSA ${c.uri}`),
  ];
  if (undated.length > 0) {
    throw new TrustRootError(
      `trusted root ${source} has authorities without validFor.start: ${undated.join(', ')}`,
    );
  }
  if (requireCurrentAuthorities) {
    const within = (v: { start: Date; end: Date }) => v.start <= now && now <= v.end;
    if (!material.certificateAuthorities.some((ca) => within(ca.validFor))) {
      throw new TrustRootError(
        `trusted root ${source} has no certificate authority valid at ${now.toISOString()}`,
      );
    }
    if (!material.tlogs.some((log) => within(log.validFor))) {
      throw new TrustRootError(
        `trusted root ${source} has no transparency log valid at ${now.toISOString()}`,
      );
    }
  }
  const id = 'sha256:' + createHash('sha256').update(json.canonicalize(raw)).digest('hex');
  return { material, id, source, trustedRoot };
}
