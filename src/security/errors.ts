import { ImprimaturError } from '../errors/index.js';

export type SecurityErrorCode = 'REGISTRY_FORBIDDEN' | 'INVALID_HOST_PATTERN';

/**
 * Why the outbound policy refused: a host outside the allow-list, an address (literal or resolved) in
 * a non-public range, or a name with no address at all. The last two read the same to callers (see
 * {@link OutboundRefusedError}); the reason tells them apart in the log and in /metrics.
 */
export type OutboundRefusalReason = 'not-allowed' | 'non-public-address' | 'unresolvable';

/** What the log and metrics are told about a refusal; callers only ever see the message. */
export interface OutboundRefusalDetails {
  readonly reason: OutboundRefusalReason;
  /** `host:port` the request was for, as the URL parser normalised it. */
  readonly destination: string;
  /** The non-public range (`loopback`, `private`, `link-local`…), for `non-public-address`. */
  readonly range?: string;
  /** The address refused, literal or resolved: for logs only. */
  readonly address?: string;
  /** The resolver's error code (`ENOTFOUND`, `EAI_AGAIN`…), for `unresolvable`. */
  readonly lookupError?: string;
}

/**
 * An outbound request refused by policy before any byte left. The message names the host the caller
 * or registry chose, never the address it resolved to, and it is the same whether a name resolved to
 * a non-public address or did not resolve at all: either difference would turn the service into a
 * probe of the internal DNS. `details` are for logs and metrics only.
 */
export class OutboundRefusedError extends ImprimaturError<'REGISTRY_FORBIDDEN'> {
  constructor(
    message: string,
    readonly details: OutboundRefusalDetails,
  ) {
    super('REGISTRY_FORBIDDEN', message);
  }

  /** The address refused (logs only). */
  get address(): string | undefined {
    return this.details.address;
  }
}

/** A malformed `IMPRIMATUR_ALLOWED_REGISTRIES` / `IMPRIMATUR_INSECURE_REGISTRIES` entry. */
export class HostPatternError extends ImprimaturError<'INVALID_HOST_PATTERN'> {
  constructor(message: string) {
    super('INVALID_HOST_PATTERN', message);
  }
}
