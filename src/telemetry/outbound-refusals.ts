import type { Logger } from 'pino';
import type { OutboundRefusedError } from '../security/index.js';
import { metrics } from './metrics.js';

/**
 * What the service does with each refusal of the outbound policy: a `warn` line with the true reason
 * (the caller was told only that the host has no public address, or is not allowed), and a count in
 * `imprimatur_outbound_refusals_total`. The line carries the destination the request was for, the
 * reason, the range and the address refused or the resolver's error code: never a header, so never
 * the caller's or our credentials. The request's `trace_id` comes with the logger's mixin.
 */
export function reportOutboundRefusals(
  logger: Pick<Logger, 'warn'>,
): (refusal: OutboundRefusedError) => void {
  return (refusal) => {
    const { reason, destination, range, address, lookupError } = refusal.details;
    metrics().outboundRefusals.inc({ reason, range: range ?? '' });
    logger.warn(
      {
        destination,
        reason,
        ...(range === undefined ? {} : { range }),
        ...(address === undefined ? {} : { address }),
        ...(lookupError === undefined ? {} : { lookupError }),
      },
      'outbound request refused by the SSRF policy',
    );
  };
}
