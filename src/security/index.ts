export { nonPublicRange } from './address-ranges.js';
export { HostPatternError, OutboundRefusedError, type SecurityErrorCode } from './errors.js';
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
