export { compilePolicy, validatePolicy } from './compile-policy.js';
export type { CompiledPolicy } from './compile-policy.js';
export { evaluatePolicy } from './evaluate-policy.js';
export type { PolicyInput } from './evaluate-policy.js';
export type { CertificateIdentityFacts } from './identity.js';
export { CERTIFICATE_CLAIM_MISMATCH, GITHUB_HOSTED_RUNNER, checkProvenance } from './provenance-claims.js';
export { githubPrefixPattern, signerWorkflowPattern } from './compile-provenance.js';
export type { CompiledProvenance } from './compile-provenance.js';
export {
  checkPolicyLimits,
  checkRegexpCaps,
  checkRegexpSizeTotal,
  estimateRegexpSize,
  policyRegexps,
  POLICY_LIMITS,
} from './policy-limits.js';
export { compilePolicyRegexp, type PolicyRegexp } from './regexp.js';
