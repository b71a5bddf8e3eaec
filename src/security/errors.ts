import { ImprimaturError } from '../errors/index.js';

export type SecurityErrorCode = 'REGISTRY_FORBIDDEN' | 'INVALID_HOST_PATTERN';

/**
 * An outbound request refused by policy before any byte left: a host outside the allow-list, or an
 * address (literal or resolved) in a non-public range. The message names the host the caller or
 * registry chose, never the address it resolved to: telling callers what internal names resolve to
 * would turn the service into a probe of the internal DNS. `address` is for logs only.
 */
export class OutboundRefusedError extends ImprimaturError<'REGISTRY_FORBIDDEN'> {
  constructor(
    message: string,
    readonly address?: string,
  ) {
    super('REGISTRY_FORBIDDEN', message);
  }
}

/** A malformed `IMPRIMATUR_ALLOWED_REGISTRIES` / `IMPRIMATUR_INSECURE_REGISTRIES` entry. */
export class HostPatternError extends ImprimaturError<'INVALID_HOST_PATTERN'> {
  constructor(message: string) {
    super('INVALID_HOST_PATTERN', message);
  }
}
