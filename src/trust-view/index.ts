/** The trust picture: a page drawing index → platforms → signatures/attestations with their verdicts. */
export { handleTrustView, isTrustViewPath } from './trust-view-handler.js';
export { TRUST_VIEW_CSP, TRUST_VIEW_PATH } from './page.js';
