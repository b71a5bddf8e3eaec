import { createHash, timingSafeEqual } from 'node:crypto';
import { heldSecrets } from './held-secrets.js';

/**
 * Optional caller authentication with static bearer tokens (`IMPRIMATUR_API_TOKENS`). Without it,
 * anyone who can reach the port can make the service fetch from registries on their behalf (with
 * the service's registry credentials), so deployments reachable by untrusted networks should set it.
 *
 * Comparison is constant-time: both sides are hashed to 32 bytes first (so neither the length nor a
 * matching prefix of a configured token shows in the timing), and every configured token is compared
 * every time (so which token matched does not either).
 */
export class CallerAuthenticator {
  private readonly digests: readonly Buffer[];

  constructor(tokens: readonly string[]) {
    this.digests = tokens.map(sha256);
    // A caller's token must not show in a log line about the request that carried it.
    for (const token of tokens) heldSecrets.holdSecret(token);
  }

  /** False when no tokens are configured: every caller is let through. */
  get enabled(): boolean {
    return this.digests.length > 0;
  }

  /** Whether the `Authorization` header carries one of the configured tokens. */
  accepts(authorization: string | undefined): boolean {
    if (!this.enabled) return true;
    const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
    if (match === null) return false;
    const presented = sha256(match[1] ?? '');
    let accepted = false;
    for (const digest of this.digests) accepted = timingSafeEqual(digest, presented) || accepted;
    return accepted;
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
