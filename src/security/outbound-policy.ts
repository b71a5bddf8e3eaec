import { isIP } from 'node:net';
import { nonPublicRange } from './address-ranges.js';
import { OutboundRefusedError, type OutboundRefusalDetails } from './errors.js';
import {
  destinationOf,
  matchesHost,
  parseHostPattern,
  type Destination,
  type HostPattern,
} from './host-pattern.js';

/**
 * Where the service may send requests. Every registry URL comes from a caller (the image reference)
 * or from a registry (token realms, redirects), so without a policy the service is a proxy into its
 * own network (SSRF). Two checks:
 *
 * 1. By name, before anything happens: with an allow-list, only listed hosts (plus the insecure
 *    registries, which the operator named explicitly) are contacted: registries, token realms and
 *    redirect targets alike.
 * 2. By address, at connection time: an address in a non-public range (see address-ranges.ts) is
 *    refused unless the host is listed in the allow-list or the insecure registries. Checked on the
 *    address actually connected to — literal, or resolved by the connection's own DNS look-up — so a
 *    name that resolved to something public a moment ago and to 127.0.0.1 now (DNS rebinding)
 *    gains nothing.
 */
export interface OutboundPolicyOptions {
  /** `IMPRIMATUR_ALLOWED_REGISTRIES`; empty = any host, subject to the address check. */
  readonly allowedRegistries: readonly string[];
  /** `IMPRIMATUR_INSECURE_REGISTRIES`: explicitly named, so allowed and exempt from the address check. */
  readonly insecureRegistries: readonly string[];
  /**
   * Told about every refusal as it is made, with its reason, range and address (which callers are
   * not told): the service logs it at `warn` and counts it in /metrics. Default: nobody.
   */
  readonly onRefusal?: (refusal: OutboundRefusedError) => void;
}

/**
 * Docker Hub is named `docker.io` in references, but its API answers on registry-1.docker.io and its
 * tokens come from auth.docker.io. Allowing `docker.io` means allowing Docker Hub, so both follow.
 */
const DOCKER_HUB_NAMES = new Set(['docker.io', 'index.docker.io']);
const DOCKER_HUB_HOSTS = ['registry-1.docker.io', 'auth.docker.io'];

function withDockerHub(patterns: readonly HostPattern[]): HostPattern[] {
  const hub = patterns.some((p) => !p.wildcard && p.port === undefined && DOCKER_HUB_NAMES.has(p.hostname));
  return hub ? [...patterns, ...DOCKER_HUB_HOSTS.map(parseHostPattern)] : [...patterns];
}

function shown(destination: Destination): string {
  const host = destination.hostname.includes(':') ? `[${destination.hostname}]` : destination.hostname;
  return `${host}:${destination.port}`;
}

/**
 * What a caller is told when a name may not be reached by address: the same words whether it resolved
 * to a non-public address or did not resolve at all, so that asking about `db.internal` and
 * `nothing.internal` cannot tell which exists (a DNS oracle). The log keeps the true reason.
 */
function noPublicAddress(destination: Destination): string {
  return `${shown(destination)} does not resolve to a public address (the name does not resolve, or resolves to a non-public address); list the registry in IMPRIMATUR_INSECURE_REGISTRIES or IMPRIMATUR_ALLOWED_REGISTRIES to reach it on a private network`;
}

export class OutboundPolicy {
  private readonly allowed: readonly HostPattern[];
  private readonly exempt: readonly HostPattern[];
  private readonly onRefusal: ((refusal: OutboundRefusedError) => void) | undefined;

  constructor(options: OutboundPolicyOptions) {
    const allowed = withDockerHub(options.allowedRegistries.map(parseHostPattern));
    const insecure = options.insecureRegistries.map(parseHostPattern);
    this.allowed = allowed;
    this.exempt = [...allowed, ...insecure];
    this.onRefusal = options.onRefusal;
  }

  /** True when the operator named this destination, so a non-public address is what they meant. */
  isExempt(destination: Destination): boolean {
    return this.exempt.some((pattern) => matchesHost(pattern, destination));
  }

  /**
   * The name-level check (1), plus the address check (2) when the host is an IP literal: those never
   * go through DNS, so this is the moment to judge them. Returns the refusal, or undefined.
   */
  checkUrl(url: URL): OutboundRefusedError | undefined {
    const destination = destinationOf(url);
    if (this.isExempt(destination)) return undefined;
    if (this.allowed.length > 0) {
      return this.refuse(
        `${shown(destination)} is not an allowed registry host (IMPRIMATUR_ALLOWED_REGISTRIES)`,
        { reason: 'not-allowed', destination: shown(destination) },
      );
    }
    return isIP(destination.hostname) === 0
      ? undefined
      : this.checkAddress(destination, destination.hostname);
  }

  /**
   * The address check (2) for one address the destination resolved to (or is). Exempt destinations
   * pass; the rest must be public.
   */
  checkAddress(destination: Destination, address: string): OutboundRefusedError | undefined {
    if (this.isExempt(destination)) return undefined;
    const range = nonPublicRange(address);
    if (range === undefined) return undefined;
    // A literal address was the caller's own input, so naming its range tells them nothing new; for
    // a name, the range stays in the logs.
    const message =
      isIP(destination.hostname) === 0
        ? noPublicAddress(destination)
        : `${shown(destination)} is a ${range} address; list the registry in IMPRIMATUR_INSECURE_REGISTRIES or IMPRIMATUR_ALLOWED_REGISTRIES to reach it`;
    return this.refuse(message, {
      reason: 'non-public-address',
      destination: shown(destination),
      range,
      address,
    });
  }

  /**
   * A name that could not be resolved (`lookupError`: the resolver's code), refused with the same
   * message as a name resolving to a non-public address. Undefined for a destination the operator
   * named: there is nothing to hide from them, and the resolver's own error says more.
   */
  checkUnresolvable(destination: Destination, lookupError: string): OutboundRefusedError | undefined {
    if (this.isExempt(destination)) return undefined;
    return this.refuse(noPublicAddress(destination), {
      reason: 'unresolvable',
      destination: shown(destination),
      lookupError,
    });
  }

  private refuse(message: string, details: OutboundRefusalDetails): OutboundRefusedError {
    const refusal = new OutboundRefusedError(message, details);
    this.onRefusal?.(refusal);
    return refusal;
  }
}
