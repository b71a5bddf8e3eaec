export { loadTrustRoot, parseTrustRoot } from './load-trust-root.js';
export type { TrustRoot, ParseTrustRootOptions } from './load-trust-root.js';
