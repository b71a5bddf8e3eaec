import type { Policy, SignerIdentity, VerificationIssue } from '../types.js';

/** Policy field, certificate field and cosign's display name for each GitHub Actions claim. */
const CLAIMS = [
  ['githubWorkflowTrigger', 'Trigger'],
  ['githubWorkflowSha', 'SHA'],
  ['githubWorkflowName', 'Name'],
  ['githubWorkflowRepository', 'Repository'],
  ['githubWorkflowRef', 'Ref'],
] as const satisfies readonly (readonly [keyof Policy & keyof SignerIdentity, string])[];

/**
 * `--certificate-github-workflow-*` checks against Fulcio's GitHub extensions (OIDs
 * 1.3.6.1.4.1.57264.1.2-.6). Exact, case-sensitive comparison, as cosign's validateCertExtensions.
 * The message is cosign's verbatim ("expected GitHub Workflow Trigger not found in certificate");
 * the value actually found is reported in the signature's `identity`.
 */
export function checkGithubClaims(policy: Policy, identity: SignerIdentity): VerificationIssue[] {
  const issues: VerificationIssue[] = [];
  for (const [field, label] of CLAIMS) {
    const expected = policy[field];
    if (expected === undefined || expected === '') continue;
    if (identity[field] !== expected) {
      issues.push({
        code: 'GITHUB_CLAIM_MISMATCH',
        message: `expected GitHub Workflow ${label} not found in certificate`,
      });
    }
  }
  return issues;
}
