import {
  parseTrustRoot,
  type DigestVerification,
  type Policy,
  type TrustRoot,
} from '../../../src/verification/index.js';
import { createTestSigstore, type TestSigstore } from '../../support/sigstore/index.js';

/**
 * What the verification suites sign and verify against: one test Sigstore, the trust root the
 * service would parse from it, and the image, signer and policy most tests use.
 */

/** The image digest signatures are made for. Verification never fetches it, so any value does. */
export const DIGEST = `sha256:${'ab'.repeat(32)}`;
/** The docker-reference a legacy signature claims. */
export const REFERENCE = '127.0.0.1:5000/team/app';
/** GitHub Actions' OIDC issuer. */
export const ISSUER = 'https://token.actions.githubusercontent.com';
/** A release workflow on main: the signer POLICY expects. */
export const IDENTITY = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
export const POLICY: Policy = { certificateIdentity: IDENTITY, certificateOidcIssuer: ISSUER };

export interface SigstoreWorld {
  readonly sigstore: TestSigstore;
  readonly trustRoot: TrustRoot;
}

/** A fresh test Sigstore and its trusted root parsed as the service parses one (call in beforeAll). */
export function createSigstoreWorld(): SigstoreWorld {
  const sigstore = createTestSigstore();
  return { sigstore, trustRoot: parseTrustRoot(sigstore.trustedRoot, 'test sigstore') };
}

/** The error codes of every signature entry, in order. */
export const codes = (result: DigestVerification) =>
  result.signatures.flatMap((s) => s.errors.map((e) => e.code));
