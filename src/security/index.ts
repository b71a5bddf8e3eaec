export { nonPublicRange } from './address-ranges.js';
export {
  HostPatternError,
  OutboundRefusedError,
  type OutboundRefusalDetails,
  type OutboundRefusalReason,
  type SecurityErrorCode,
} from './errors.js';
export {
  createGuardedConnector,
  systemResolver,
  type GuardedConnectorOptions,
  type HostResolver,
} from './guarded-connector.js';
export {
  destinationOf,
  matchesHost,
  parseHostPattern,
  type Destination,
  type HostPattern,
} from './host-pattern.js';
export { OutboundPolicy, type OutboundPolicyOptions } from './outbound-policy.js';
export { queryLimitsRule } from './query-limit-rules.js';
export {
  DEFAULT_QUERY_LIMITS,
  isTokenLimitMessage,
  QueryLimitError,
  type QueryLimitCode,
  type QueryLimits,
} from './query-limits.js';
export { CallerAuthenticator } from './caller-auth.js';
export { withDeadline } from './request-deadline.js';
export { REDACTED, redactJsonText, redactSecrets } from './redact-secrets.js';
export { heldSecrets, HeldSecrets } from './held-secrets.js';
export { readRequestBody, RequestBodyLimitError, type RequestBodyLimits } from './request-body.js';
