import { credentialForms, tokenForms } from './secret-encodings.js';
import { SecretIndex } from './secret-index.js';

/**
 * The exact secrets this process holds, so that text leaving it (answers, log lines, metric labels)
 * can be cleaned of them by value, in every spelling they could come back in (see
 * secret-encodings.ts). Redacting by value rather than by shape is what lets ordinary words through:
 * "a token for 127.0.0.1" or "Digest must be lowercase hex" contain no secret of ours, while a
 * registry that echoes our password bare, or our bearer token without its `Bearer `, is caught.
 *
 * Secrets are registered where they enter the process: registry credentials when the Docker
 * `config.json` is loaded, bearer tokens when a token server issues them, caller API tokens and the
 * Redis password when the configuration is used.
 *
 * Bounded: configured secrets (credentials, API tokens, the Redis password) are few and kept for the
 * process's life. Issued tokens arrive all the time, so they are kept until {@link TOKEN_GRACE_MS}
 * after they expire (a registry may still quote one it has just refused), and at most
 * {@link MAX_ISSUED_TOKENS} of them or {@link MAX_ISSUED_CHARS} characters of their forms: past that
 * the oldest go first. A token that old has long been replaced in the token cache.
 */

/** How long after its expiry an issued token is still redacted. */
export const TOKEN_GRACE_MS = 10 * 60_000;
/** Issued tokens remembered at once; far more than the distinct repositories a service reads per token lifetime. */
export const MAX_ISSUED_TOKENS = 1_000;
/** Characters of issued tokens' forms remembered at once (registry JWTs are 1–2 KB). */
export const MAX_ISSUED_CHARS = 8 * 1024 * 1024;

interface Held {
  readonly forms: readonly string[];
  readonly chars: number;
  /** `Date.now()` after which an issued token is forgotten; undefined for configured secrets. */
  readonly forgetAt: number | undefined;
}

export class HeldSecrets {
  readonly index = new SecretIndex();
  private readonly configured = new Map<string, Held>();
  /** In the order issued, which is (nearly) the order they expire. */
  private readonly issued = new Map<string, Held>();
  private issuedChars = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Registry credentials (from config.json): the password, `user:pass`, and their base64 forms. */
  holdCredentials(username: string, password: string): void {
    if (password === '') return;
    this.holdConfigured(`credentials\0${username}\0${password}`, credentialForms(username, password));
  }

  /** A configured secret used as it is: a caller API token, the Redis password. */
  holdSecret(secret: string): void {
    this.holdConfigured(`secret\0${secret}`, tokenForms(secret));
  }

  /** A token a token server issued us, good until `expiresAt` (`Date.now()` clock). */
  holdIssuedToken(token: string, expiresAt: number): void {
    const forgetAt = expiresAt + TOKEN_GRACE_MS;
    const known = this.issued.get(token);
    if (known !== undefined) {
      // Issued again (another scope): keep it as long as the later expiry says.
      this.forgetIssued(token);
      this.rememberIssued(token, { ...known, forgetAt: Math.max(forgetAt, known.forgetAt ?? 0) });
    } else {
      const forms = tokenForms(token);
      for (const form of forms) this.index.add(form);
      this.rememberIssued(token, { forms, chars: charsOf(forms), forgetAt });
    }
    this.prune();
  }

  /** How many secrets are held (configured and issued), for tests and diagnostics. */
  get size(): number {
    return this.configured.size + this.issued.size;
  }

  private holdConfigured(key: string, forms: readonly string[]): void {
    if (this.configured.has(key)) return;
    for (const form of forms) this.index.add(form);
    this.configured.set(key, { forms, chars: charsOf(forms), forgetAt: undefined });
  }

  private rememberIssued(token: string, held: Held): void {
    this.issued.set(token, held);
    this.issuedChars += held.chars;
  }

  /** Takes a token out of the bookkeeping only; its forms stay indexed (the caller re-adds or drops them). */
  private forgetIssued(token: string): void {
    const held = this.issued.get(token);
    if (held === undefined) return;
    this.issued.delete(token);
    this.issuedChars -= held.chars;
  }

  /** Drops expired tokens from the front, then the oldest while over a cap. */
  private prune(): void {
    const now = this.now();
    for (const [token, held] of this.issued) {
      const over = this.issued.size > MAX_ISSUED_TOKENS || this.issuedChars > MAX_ISSUED_CHARS;
      if (!over && (held.forgetAt ?? Infinity) > now) break;
      this.forgetIssued(token);
      for (const form of held.forms) this.index.remove(form);
    }
  }
}

function charsOf(forms: readonly string[]): number {
  return forms.reduce((sum, form) => sum + form.length, 0);
}

/**
 * The process's secrets. One per process, like the secrets themselves: the logger, the error edges
 * and the metrics labels all redact against it without being handed it.
 */
export const heldSecrets = new HeldSecrets();
