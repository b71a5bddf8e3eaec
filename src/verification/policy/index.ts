export { compilePolicy, validatePolicy } from './compile-policy.js';
export type { CompiledPolicy } from './compile-policy.js';
export { evaluatePolicy } from './evaluate-policy.js';
export type { PolicyInput } from './evaluate-policy.js';
export type { CertificateIdentityFacts } from './identity.js';
