import { RegistryError } from '../errors.js';

/** A parsed answer from a token endpoint (distribution's token spec, or OAuth2's `access_token`). */
export interface TokenResponse {
  readonly token: string;
  readonly expiresInSeconds: number | undefined;
}

/** A token is a header value: bounded, and only characters that are legal in one. */
const TOKEN_PATTERN = /^[\x21-\x7e]{1,16384}$/;
/** Tokens claiming to last longer than a day are capped: we would rather ask again than trust that. */
const MAX_LIFETIME_SECONDS = 24 * 60 * 60;

function protocolError(message: string): RegistryError {
  // Never include the body: it is, or contains, a credential.
  return new RegistryError('REGISTRY_PROTOCOL_ERROR', message);
}

/** Parses a token endpoint's JSON body defensively (it is untrusted and it carries a secret). */
export function parseTokenResponse(body: Uint8Array, realmHost: string): TokenResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw protocolError(`token endpoint ${realmHost} did not answer with JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw protocolError(`token endpoint ${realmHost} did not answer with a JSON object`);
  }
  const record = parsed as Record<string, unknown>;
  // distribution names it `token`; OAuth2 servers say `access_token`; some send both (equal).
  const token = typeof record.token === 'string' && record.token !== '' ? record.token : record.access_token;
  if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) {
    throw protocolError(`token endpoint ${realmHost} answered without a usable token`);
  }
  const expiresIn = record.expires_in;
  const expiresInSeconds =
    typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0
      ? Math.min(expiresIn, MAX_LIFETIME_SECONDS)
      : undefined;
  return { token, expiresInSeconds };
}
