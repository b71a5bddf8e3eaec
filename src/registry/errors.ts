import { ImprimaturError } from '../errors/index.js';
import { redactSecrets } from '../security/index.js';

/** Every way a registry interaction can fail, as a string code the GraphQL/REST edges map in one place. */
export type RegistryErrorCode =
  | 'MANIFEST_UNKNOWN'
  | 'BLOB_UNKNOWN'
  | 'NAME_UNKNOWN'
  | 'REGISTRY_UNAUTHORIZED'
  | 'REGISTRY_DENIED'
  | 'REGISTRY_RATE_LIMITED'
  | 'REGISTRY_UNAVAILABLE'
  /** The registry's TLS certificate failed verification (untrusted CA, expired, wrong host): never retried. */
  | 'REGISTRY_TLS_UNTRUSTED'
  | 'REGISTRY_TIMEOUT'
  | 'REGISTRY_ABORTED'
  | 'DIGEST_MISMATCH'
  | 'UNSUPPORTED_DIGEST'
  | 'MANIFEST_TOO_LARGE'
  | 'BLOB_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'INVALID_MANIFEST'
  | 'INVALID_REQUEST'
  | 'INSECURE_REGISTRY'
  /** Refused by the outbound policy (allow-list, non-public address) before connecting: see src/security. */
  | 'REGISTRY_FORBIDDEN'
  | 'AUTH_CONFIG_INVALID'
  | 'REGISTRY_PROTOCOL_ERROR';

export interface RegistryErrorDetails {
  /** HTTP status of the response that failed, when there was one. */
  readonly status?: number;
  /** distribution-spec error codes from the response body (`MANIFEST_UNKNOWN`, `DENIED`, `TOOMANYREQUESTS`...). */
  readonly registryCodes?: readonly string[];
  /** True when trying again later may succeed (429, 5xx, network trouble, timeouts). */
  readonly temporary?: boolean;
  readonly cause?: unknown;
}

/**
 * A structured registry failure. Messages name the registry, repository and digest involved but never
 * credentials, tokens or Authorization headers: errors end up in logs and GraphQL responses.
 */
export class RegistryError extends ImprimaturError<RegistryErrorCode> {
  readonly status: number | undefined;
  readonly registryCodes: string[];
  readonly temporary: boolean;

  constructor(code: RegistryErrorCode, message: string, details: RegistryErrorDetails = {}) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.registryCodes = [...(details.registryCodes ?? [])];
    this.temporary = details.temporary ?? false;
  }
}

/** What the failed request was after, so a bare 404 can be reported as the right "unknown" code. */
export type RequestSubject = 'manifest' | 'blob' | 'referrers' | 'tags' | 'token';

/** A distribution-spec error body: `{"errors":[{"code":"...","message":"..."}]}`. */
export interface RegistryErrorBody {
  readonly codes: string[];
  /** The first error message, shortened and stripped of control characters. */
  readonly message: string | undefined;
}

const MAX_ERROR_MESSAGE_CHARS = 200;

/**
 * Reads an error body defensively: it is untrusted and often not JSON at all (proxies answer with HTML).
 * Only short, printable text survives, so a hostile registry cannot stuff our logs.
 */
export function parseRegistryErrorBody(body: Uint8Array): RegistryErrorBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(body));
  } catch {
    return { codes: [], message: undefined };
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !('errors' in parsed) ||
    !Array.isArray(parsed.errors)
  ) {
    return { codes: [], message: undefined };
  }
  const codes: string[] = [];
  let message: string | undefined;
  for (const entry of parsed.errors.slice(0, 20) as unknown[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    const record = entry as Record<string, unknown>;
    if (typeof record.code === 'string' && /^[A-Z0-9_]{1,64}$/.test(record.code)) codes.push(record.code);
    if (message === undefined && typeof record.message === 'string') {
      // eslint-disable-next-line no-control-regex
      const printable = record.message.replace(/[\u0000-\u001f\u007f]/g, ' ');
      // Redacted before the final cut, so a cut cannot leave half a credential unrecognised; but on
      // a bounded prefix, so a 64 KiB message costs no more than a short one. A secret reaching into
      // the kept part has hundreds of characters inside the prefix, enough to be recognised.
      const prefix = printable.slice(0, 4 * MAX_ERROR_MESSAGE_CHARS);
      message = redactSecrets(prefix).slice(0, MAX_ERROR_MESSAGE_CHARS);
    }
  }
  return { codes, message };
}

function notFoundCode(codes: readonly string[], subject: RequestSubject): RegistryErrorCode {
  if (codes.includes('MANIFEST_UNKNOWN')) return 'MANIFEST_UNKNOWN';
  if (codes.includes('BLOB_UNKNOWN')) return 'BLOB_UNKNOWN';
  if (codes.includes('NAME_UNKNOWN')) return 'NAME_UNKNOWN';
  // A bare 404 on a tag list means the repository itself is unknown.
  return subject === 'blob'
    ? 'BLOB_UNKNOWN'
    : subject === 'manifest'
      ? 'MANIFEST_UNKNOWN'
      : subject === 'tags'
        ? 'NAME_UNKNOWN'
        : 'REGISTRY_PROTOCOL_ERROR';
}

/** Turns a non-success response into a {@link RegistryError}. `what` is a human description, e.g. `manifest foo:1`. */
export function errorFromResponse(
  status: number,
  body: Uint8Array,
  subject: RequestSubject,
  what: string,
): RegistryError {
  const { codes, message } = parseRegistryErrorBody(body);
  const suffix = `(HTTP ${status}${codes.length > 0 ? ` ${codes.join(', ')}` : ''}${message ? `: ${message}` : ''})`;
  const details = { status, registryCodes: codes };
  if (status === 401)
    return new RegistryError('REGISTRY_UNAUTHORIZED', `not authorized to read ${what} ${suffix}`, details);
  if (status === 403)
    return new RegistryError('REGISTRY_DENIED', `access to ${what} denied ${suffix}`, details);
  if (status === 404)
    return new RegistryError(notFoundCode(codes, subject), `${what} not found ${suffix}`, details);
  if (status === 429) {
    return new RegistryError('REGISTRY_RATE_LIMITED', `rate limited while reading ${what} ${suffix}`, {
      ...details,
      temporary: true,
    });
  }
  if (status >= 500) {
    return new RegistryError('REGISTRY_UNAVAILABLE', `registry failed while reading ${what} ${suffix}`, {
      ...details,
      temporary: true,
    });
  }
  return new RegistryError('REGISTRY_PROTOCOL_ERROR', `unexpected answer for ${what} ${suffix}`, details);
}
