import type { LookupAddress } from 'node:dns';
import { isIPv6 } from 'node:net';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { HostResolver } from '../../../src/security/index.js';

/**
 * A resolver with a fixed table, so tests can make `metadata.test` "resolve" to 169.254.169.254
 * without any DNS, and without any packet ever going there: the address check refuses inside the
 * look-up, before a socket connects. Every call is recorded.
 */
export interface TestResolver {
  readonly resolve: HostResolver;
  readonly calls: string[];
}

export function testResolver(table: Readonly<Record<string, readonly string[]>>): TestResolver {
  const calls: string[] = [];
  return {
    calls,
    resolve: async (hostname) => {
      calls.push(hostname);
      const addresses = table[hostname];
      if (addresses === undefined)
        throw Object.assign(new Error(`unknown test host ${hostname}`), { code: 'ENOTFOUND' });
      return addresses.map((address): LookupAddress => ({ address, family: isIPv6(address) ? 6 : 4 }));
    },
  };
}

/**
 * Watches undici's diagnostics channels: which hosts got a connected socket and which connection
 * attempts failed (and with what). Proves a refusal happened before any connection was made.
 */
export interface ConnectionWatch {
  readonly connected: string[];
  readonly failed: { host: string; error: unknown }[];
  stop(): void;
}

interface ConnectMessage {
  readonly connectParams: { readonly hostname: string; readonly port: string };
  readonly error?: unknown;
}

export function watchConnections(): ConnectionWatch {
  const connected: string[] = [];
  const failed: { host: string; error: unknown }[] = [];
  const onConnected = (message: unknown) => {
    const { connectParams } = message as ConnectMessage;
    connected.push(`${connectParams.hostname}:${connectParams.port}`);
  };
  const onError = (message: unknown) => {
    const { connectParams, error } = message as ConnectMessage;
    failed.push({ host: `${connectParams.hostname}:${connectParams.port}`, error });
  };
  subscribe('undici:client:connected', onConnected);
  subscribe('undici:client:connectError', onError);
  return {
    connected,
    failed,
    stop() {
      unsubscribe('undici:client:connected', onConnected);
      unsubscribe('undici:client:connectError', onError);
    },
  };
}
