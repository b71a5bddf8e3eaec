import { HostPatternError } from './errors.js';

/**
 * Host patterns as operators write them in `IMPRIMATUR_ALLOWED_REGISTRIES` and
 * `IMPRIMATUR_INSECURE_REGISTRIES`: `ghcr.io`, `registry.local:5000`, `127.0.0.1:5000`, `[::1]:5000`,
 * or `*.example.com` (any name below example.com, at any depth, not example.com itself).
 *
 * Ports are exact, like Docker's `insecure-registries`: an entry without a port means the scheme's
 * default port (443 for HTTPS, 80 for HTTP), so `127.0.0.1:5000` never also opens 127.0.0.1:6379.
 */
export interface HostPattern {
  /** As written, for messages. */
  readonly entry: string;
  /** Lower-case host name or canonical IP (IPv6 without brackets); for a wildcard, the suffix after `*.`. */
  readonly hostname: string;
  readonly wildcard: boolean;
  /** undefined = the scheme's default port. */
  readonly port: number | undefined;
}

/** Where a request is about to go, as the URL parser normalised it. */
export interface Destination {
  readonly protocol: string;
  /** `URL.hostname`; IPv6 without brackets. */
  readonly hostname: string;
  /** Effective port (the scheme default filled in). */
  readonly port: number;
}

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const ENTRY_PATTERN = new RegExp(`^(\\*\\.)?(${LABEL}(?:\\.${LABEL})*|\\[[0-9a-f:.]+\\])(?::(\\d{1,5}))?$`);

export function defaultPort(protocol: string): number {
  return protocol === 'http:' ? 80 : 443;
}

/** Host names as the WHATWG URL parser spells them, so `2130706433` and `0x7f.1` become `127.0.0.1`. */
function canonicalHostname(host: string): string {
  const hostname = new URL(`http://${host}`).hostname;
  return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
}

/** The destination a URL leads to. */
export function destinationOf(url: URL): Destination {
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port === '' ? defaultPort(url.protocol) : Number(url.port);
  return { protocol: url.protocol, hostname, port };
}

export function parseHostPattern(entry: string): HostPattern {
  const text = entry.trim().toLowerCase();
  const match = ENTRY_PATTERN.exec(text);
  if (match === null) {
    throw new HostPatternError(
      `"${entry.slice(0, 100)}" is not a host pattern (host, host:port or *.domain)`,
    );
  }
  const [, star, host = '', port] = match;
  const portNumber = port === undefined ? undefined : Number(port);
  if (portNumber !== undefined && (portNumber < 1 || portNumber > 65535)) {
    throw new HostPatternError(`"${entry.slice(0, 100)}" has an invalid port`);
  }
  let hostname: string;
  try {
    hostname = canonicalHostname(host);
  } catch {
    throw new HostPatternError(`"${entry.slice(0, 100)}" is not a valid host`);
  }
  const wildcard = star !== undefined;
  // `*.10.0.0.1` would read as "any name below an address": meaningless, so probably a typo.
  if (wildcard && (host.startsWith('[') || /^[\d.]+$/.test(hostname))) {
    throw new HostPatternError(`"${entry.slice(0, 100)}": a wildcard needs a domain name`);
  }
  return { entry: entry.trim(), hostname, wildcard, port: portNumber };
}

export function matchesHost(pattern: HostPattern, destination: Destination): boolean {
  const port = pattern.port ?? defaultPort(destination.protocol);
  if (port !== destination.port) return false;
  const hostname = destination.hostname.toLowerCase().replace(/\.$/, '');
  return pattern.wildcard ? hostname.endsWith(`.${pattern.hostname}`) : hostname === pattern.hostname;
}
