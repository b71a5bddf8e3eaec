import { startTestRegistry, type TestRegistry } from './launcher.js';
import { startTokenServer, type TokenServer } from './token-server.js';

/** A registry in distribution's `auth: token` mode and the token server it trusts. */
export interface TokenAuthRegistry {
  readonly tokens: TokenServer;
  readonly registry: TestRegistry;
}

/**
 * Starts a token server that hands out tokens for these Basic credentials (its signing material
 * goes in `dir`), then a registry that sends clients to it for a Bearer token. The caller stops
 * both; if the registry does not start, the token server is stopped here.
 */
export async function startTokenAuthRegistry(
  dir: string,
  credentials: { readonly username: string; readonly password: string },
): Promise<TokenAuthRegistry> {
  const tokens = await startTokenServer({ dir, credentials });
  try {
    const registry = await startTestRegistry({
      token: {
        realm: tokens.realm,
        service: tokens.service,
        issuer: tokens.issuer,
        rootCertBundlePath: tokens.rootCertBundlePath,
      },
    });
    return { tokens, registry };
  } catch (error) {
    await tokens.stop();
    throw error;
  }
}
