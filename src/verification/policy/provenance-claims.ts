import { FULCIO_CLAIMS } from '../fulcio-claims.js';
import type { SignerIdentity, VerificationIssue } from '../types.js';
import type { CompiledPolicy } from './compile-policy.js';
import { GITHUB_URL } from './compile-provenance.js';
import type { CertificateIdentityFacts } from './identity.js';

/** A provenance claim of the certificate differs from what the policy asks. */
export const CERTIFICATE_CLAIM_MISMATCH = 'CERTIFICATE_CLAIM_MISMATCH';
/** A `gh`-style signer condition (`signerWorkflow`, `signerRepo`, `repo`/`owner`) rejected the SAN. */
const IDENTITY_MISMATCH = 'IDENTITY_MISMATCH';

/** What `gh` and sigstore-go call a runner GitHub operates (`verification.GitHubRunner`). */
export const GITHUB_HOSTED_RUNNER = 'github-hosted';

const present = (value: string | undefined): value is string => value !== undefined && value !== '';

/** Go's `strings.EqualFold`, which `gh` compares owner, repository, ref and digests with. */
const equalFold = (a: string, b: string): boolean => a === b || a.toLowerCase() === b.toLowerCase();

/** gh's wording (cli/cli `verifyCertExtensions`): `expected SourceRepositoryRef to be %s, got %s`. */
const mismatch = (name: string, expected: string, got: string | undefined): VerificationIssue => ({
  code: CERTIFICATE_CLAIM_MISMATCH,
  message: `expected ${name} to be ${expected}, got ${got ?? ''}`,
});

/**
 * Checks Fulcio's provider-generic claims (OIDs .1.9–.1.24) and the `gh attestation verify`
 * conditions against a certificate. Pure, and like {@link evaluatePolicy} it returns every failure
 * (gh stops at the first) and may only be called after the cryptographic checks passed: the claims
 * of a certificate that does not chain to the trust root are anyone's words.
 *
 * Exact claim fields compare case-sensitively, as sigstore-go's `certificate.CompareExtensions`;
 * the gh flags (`owner`, `repo`, `sourceRef`, `sourceDigest`, `signerDigest`) case-insensitively, as
 * gh. A claim the certificate lacks reads as empty and fails any condition on it.
 */
export function checkProvenance(
  policy: CompiledPolicy,
  facts: CertificateIdentityFacts,
): VerificationIssue[] {
  if (!policy.provenance.present) return [];
  const p = policy.policy;
  const id: SignerIdentity = facts.identity;
  const issues: VerificationIssue[] = [];

  // gh's SAN conditions, in cosign's identity wording (the SAN is what they constrain).
  const san = facts.subjectAlternativeNames;
  for (const regexp of policy.provenance.sanRegexps) {
    if (!san.some((value) => regexp.test(value))) {
      issues.push({
        code: IDENTITY_MISMATCH,
        message: `expected SAN value to match regex "${regexp.source}", got "${id.subjectAlternativeName ?? ''}"`,
      });
    }
  }

  // gh's order: owner, repository, then signer digest, source digest, source ref.
  const owner = present(p.repo) ? p.repo.split('/')[0] : p.owner;
  if (present(owner)) {
    const expected = `${GITHUB_URL}/${owner}`;
    const got = id.sourceRepositoryOwnerUri;
    if (got === undefined || !equalFold(expected, got))
      issues.push(mismatch('SourceRepositoryOwnerURI', expected, got));
  }
  if (present(p.repo)) {
    const expected = `${GITHUB_URL}/${p.repo}`;
    const got = id.sourceRepositoryUri;
    if (got === undefined || !equalFold(expected, got))
      issues.push(mismatch('SourceRepositoryURI', expected, got));
  }
  const folded = [
    [p.signerDigest, 'BuildSignerDigest', id.buildSignerDigest],
    [p.sourceDigest, 'SourceRepositoryDigest', id.sourceRepositoryDigest],
    [p.sourceRef, 'SourceRepositoryRef', id.sourceRepositoryRef],
  ] as const;
  for (const [expected, name, got] of folded) {
    if (present(expected) && (got === undefined || !equalFold(expected, got))) {
      issues.push(mismatch(name, expected, got));
    }
  }
  if (p.denySelfHostedRunners === true && id.runnerEnvironment !== GITHUB_HOSTED_RUNNER) {
    issues.push(mismatch('RunnerEnvironment', GITHUB_HOSTED_RUNNER, id.runnerEnvironment));
  }

  // The claim fields themselves: exact, then pattern.
  for (const { field, name } of FULCIO_CLAIMS) {
    const expected = p[field];
    if (present(expected) && id[field] !== expected) issues.push(mismatch(name, expected, id[field]));
  }
  for (const { field, regexp } of policy.provenance.claimRegexps) {
    const got = id[field];
    if (got === undefined || !regexp.test(got)) {
      const name = FULCIO_CLAIMS.find((c) => c.field === field)!.name;
      issues.push({
        code: CERTIFICATE_CLAIM_MISMATCH,
        message: `expected ${name} to match regex ${regexp.source}, got ${got ?? ''}`,
      });
    }
  }
  return issues;
}
