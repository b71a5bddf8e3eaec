import { PolicyError } from '../errors.js';
import { FULCIO_CLAIMS, type FulcioClaimField } from '../fulcio-claims.js';
import type { Policy } from '../types.js';
import { compilePolicyRegexp, type PolicyRegexp } from './regexp.js';

/** The provenance part of a policy, validated, with its patterns compiled. */
export interface CompiledProvenance {
  /** `…Regexp` conditions on Fulcio claims, by claim. */
  readonly claimRegexps: readonly { readonly field: FulcioClaimField; readonly regexp: PolicyRegexp }[];
  /**
   * SAN patterns the `gh` conditions expand to (`signerWorkflow`, `signerRepo`, and `repo`/`owner`
   * when nothing else constrains the SAN), each checked like `certificateIdentityRegexp`.
   */
  readonly sanRegexps: readonly PolicyRegexp[];
  /** True when some provenance condition is present (they all need a certificate). */
  readonly present: boolean;
}

/** GitHub.com, the host `gh` expands `--owner`, `--repo` and `--signer-repo` to (GHE.com tenants: use the claim fields). */
export const GITHUB_URL = 'https://github.com';

/** `gh`'s `hostRegex`: a `--signer-workflow` value that starts with a host name keeps it. */
const STARTS_WITH_HOST = /^[a-zA-Z0-9-]+\.[a-zA-Z0-9-]+.*$/;
/** `gh`'s `signerWorkflowRefPattern`: the `@<ref>` (a `refs/…` path or an object id) ending a workflow SAN. */
const WORKFLOW_REF = '@(refs/.*|[0-9a-fA-F]+)';
const ENDS_WITH_WORKFLOW_REF = new RegExp(`${WORKFLOW_REF}$`);

const present = (value: string | undefined): value is string => value !== undefined && value !== '';

/**
 * Longest `owner`, `repo`, `signerRepo`, `signerWorkflow` accepted. They become RE2 patterns (quoted
 * literals, one instruction per character), which the generic limits of policy-limits.ts do not see
 * as regexps; GitHub names are ≤ 39 (owner) and ≤ 100 (repository) characters, a workflow path a few
 * dozen, so 512 refuses nothing real and keeps each compile trivial.
 */
export const MAX_GH_CONDITION_LENGTH = 512;

/** Go's `regexp.QuoteMeta`: the pattern matches the text literally (RE2 and JS agree on these escapes). */
export function quoteMeta(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/**
 * `gh attestation verify`'s SAN pattern for `--signer-workflow` (cli/cli `signerWorkflowSANPattern`):
 * anchored at both ends so that `release.yml` does not accept `release.yml.attacker.yml`; a value
 * without a ref accepts any ref, one with a ref only that ref. Without a host, github.com.
 */
export function signerWorkflowPattern(signerWorkflow: string): string {
  const url = STARTS_WITH_HOST.test(signerWorkflow)
    ? `https://${signerWorkflow}`
    : `${GITHUB_URL}/${signerWorkflow}`;
  const pattern = `^${quoteMeta(url)}`;
  return ENDS_WITH_WORKFLOW_REF.test(url) ? `${pattern}$` : `${pattern}(${WORKFLOW_REF})?$`;
}

/** `gh`'s `expandToGitHubURLRegex`: any workflow in that repository (or of that owner), case-insensitively. */
export function githubPrefixPattern(ownerOrRepo: string): string {
  return `(?i)^${quoteMeta(`${GITHUB_URL}/${ownerOrRepo}/`)}`;
}

/** The owner half of `owner/name`, after checking the shape as `gh` does. */
function repoOwner(field: 'repo' | 'signerRepo', value: string): string {
  const parts = value.split('/');
  if (parts.length !== 2 || parts.some((p) => p === '')) {
    // gh: "invalid value provided for repo: %s"
    throw new PolicyError(`${field}: invalid value provided for repo: ${value} (expected owner/name)`);
  }
  return parts[0]!;
}

/**
 * Validates and compiles the provenance conditions of `policy`. Every condition given is enforced:
 * unlike `gh`, where `--signer-repo` and `--cert-identity` are mutually exclusive flags, a policy
 * naming both must satisfy both; and contradictions are refused rather than one side ignored.
 */
export function compileProvenance(policy: Policy): CompiledProvenance {
  const claimRegexps: { field: FulcioClaimField; regexp: PolicyRegexp }[] = [];
  let any = false;
  for (const claim of FULCIO_CLAIMS) {
    if (present(policy[claim.field])) any = true;
    if (!claim.regexp) continue;
    const name = `${claim.field}Regexp` as const;
    const pattern = policy[name];
    if (present(pattern)) {
      any = true;
      claimRegexps.push({ field: claim.field, regexp: compilePolicyRegexp(pattern, name) });
    }
  }

  const { owner, repo, signerRepo, signerWorkflow } = policy;
  for (const [field, value] of Object.entries({ owner, repo, signerRepo, signerWorkflow })) {
    if (value !== undefined && value.length > MAX_GH_CONDITION_LENGTH) {
      throw new PolicyError(
        `${field} is ${value.length} characters long; at most ${MAX_GH_CONDITION_LENGTH} are accepted`,
      );
    }
  }
  if (present(owner) && owner.includes('/')) {
    throw new PolicyError(`owner must be a user or organisation name without "/", got ${owner}`);
  }
  if (present(repo)) {
    const fromRepo = repoOwner('repo', repo);
    if (present(owner) && fromRepo.toLowerCase() !== owner.toLowerCase()) {
      throw new PolicyError(`owner ${owner} and repo ${repo} name different owners`);
    }
  }
  if (present(signerRepo)) repoOwner('signerRepo', signerRepo);

  const sanRegexps: PolicyRegexp[] = [];
  if (present(signerRepo)) {
    sanRegexps.push(compilePolicyRegexp(githubPrefixPattern(signerRepo), 'signerRepo'));
  }
  if (present(signerWorkflow)) {
    sanRegexps.push(compilePolicyRegexp(signerWorkflowPattern(signerWorkflow), 'signerWorkflow'));
  }
  // gh's default when no flag names the signer: the workflow must live in the repository (or owner)
  // the provenance is about, so `--repo acme/app` alone is not satisfied by any workflow anywhere.
  const sanNamed =
    present(policy.certificateIdentity) ||
    present(policy.certificateIdentityRegexp) ||
    present(signerRepo) ||
    present(signerWorkflow);
  if (!sanNamed && (present(repo) || present(owner))) {
    const scope = present(repo) ? repo : owner!;
    sanRegexps.push(compilePolicyRegexp(githubPrefixPattern(scope), present(repo) ? 'repo' : 'owner'));
  }

  any ||=
    present(owner) ||
    present(repo) ||
    present(signerRepo) ||
    present(signerWorkflow) ||
    present(policy.sourceRef) ||
    present(policy.sourceDigest) ||
    present(policy.signerDigest) ||
    policy.denySelfHostedRunners === true;
  return { claimRegexps, sanRegexps, present: any };
}

/** Whether `policy` names the signer through a `gh` condition (each one constrains the SAN). */
export function namesSignerTheGhWay(policy: Policy): boolean {
  return [policy.signerWorkflow, policy.signerRepo, policy.repo, policy.owner].some(present);
}
