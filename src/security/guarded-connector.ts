import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { buildConnector } from 'undici';
import type { Destination } from './host-pattern.js';
import { defaultPort } from './host-pattern.js';
import type { OutboundPolicy } from './outbound-policy.js';

/**
 * The connection-level half of the outbound policy, as an undici connector. The address check runs
 * inside the socket's own DNS look-up (`net.connect({ lookup })`), so the address judged is the
 * address connected to: there is no window between "check" and "connect" for DNS rebinding. IP
 * literals never reach a look-up (`net.connect` skips it), so they are judged here first.
 */

/** Resolves a host name to every address it has. Tests pass one that maps test names to chosen addresses. */
export type HostResolver = (hostname: string) => Promise<readonly LookupAddress[]>;

export const systemResolver: HostResolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });

/**
 * A `net` look-up that resolves with `resolver`, then refuses (with the policy's error) when any
 * address is not acceptable: one forbidden answer is enough to distrust the name, and refusing is
 * clearer to the operator than silently trying the others. A name that does not resolve is refused
 * with the same error (unless the operator named it), so the answer, its code and its timing (no
 * retries either way) do not tell callers which internal names exist.
 */
function guardedLookup(
  policy: OutboundPolicy,
  destination: Destination,
  resolver: HostResolver,
): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    resolver(hostname).then(
      (all) => {
        const addresses = all.filter((a) => !options.family || a.family === options.family);
        for (const { address } of addresses) {
          const refusal = policy.checkAddress(destination, address);
          if (refusal !== undefined) return callback(refusal, []);
        }
        const first = addresses[0];
        if (first === undefined) {
          const refusal = policy.checkUnresolvable(destination, 'ENOTFOUND');
          return callback(
            refusal ?? Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }),
            [],
          );
        }
        return options.all === true
          ? callback(null, [...addresses])
          : callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) =>
        callback(policy.checkUnresolvable(destination, error.code ?? 'lookup failed') ?? error, []),
    );
  };
}

export interface GuardedConnectorOptions {
  /** Default: the operating system's resolver (`dns.lookup`), as undici would use. */
  readonly resolver?: HostResolver;
  /** Passed to undici's `buildConnector` (timeouts, TLS options). */
  readonly connect?: buildConnector.BuildOptions;
}

export function createGuardedConnector(
  policy: OutboundPolicy,
  options: GuardedConnectorOptions = {},
): buildConnector.connector {
  const resolver = options.resolver ?? systemResolver;
  return (connectOptions, callback) => {
    const destination: Destination = {
      protocol: connectOptions.protocol,
      // undici strips IPv6 brackets before calling the connector.
      hostname: connectOptions.hostname,
      port: connectOptions.port === '' ? defaultPort(connectOptions.protocol) : Number(connectOptions.port),
    };
    if (isIP(destination.hostname) !== 0) {
      const refusal = policy.checkAddress(destination, destination.hostname);
      if (refusal !== undefined) return callback(refusal, null);
    }
    // One connector per connection: the look-up must know the destination (and its port) to apply
    // the operator's exemptions. Building one is cheap; TLS session reuse across connections is the
    // only thing given up.
    const connect = buildConnector({
      ...options.connect,
      lookup: guardedLookup(policy, destination, resolver),
    });
    return connect(connectOptions, callback);
  };
}
