import { heldSecrets } from '../../security/index.js';
import { isInsecureHost, type Endpoint } from '../endpoint.js';
import { errorFromResponse, RegistryError } from '../errors.js';
import { untilAborted } from './abortable.js';
import { lookupCredentials, type CredentialStore, type Credentials } from './docker-config.js';
import type { HttpClient } from './http-client.js';
import { TokenCache, tokenExpiry, type TokenKey } from './token-cache.js';
import { parseTokenResponse } from './token-response.js';
import { parseWwwAuthenticate, preferredChallenge, type Challenge } from './www-authenticate.js';

/**
 * How we authenticate to a registry — the Docker/OCI handshake, as go-containerregistry's transport
 * does it, except that we never ping:
 *
 *  1. first   Nothing is known about the registry yet: the real request (a manifest, say) goes out
 *     contact  anonymously. 2xx → anonymous access works: remember that (`null`) and send no auth to
 *              this registry from then on. 401 → its `WWW-Authenticate` says how to authenticate:
 *              remember that challenge, so later requests authenticate up front, and go to 2.
 *  2. challenge  `Basic realm=...`  → send `Authorization: Basic base64(user:pass)` from config.json
 *                (or nothing when we have no credentials; the registry will then refuse).
 *                `Bearer realm=R,service=S` → go to 3.
 *                No challenge we can answer (none, or only other schemes) → `REGISTRY_UNAUTHORIZED`,
 *                "requires authentication we do not support".
 *  3. bearer   GET R?service=S&scope=repository:<repo>:pull, with our Basic credentials for R when we
 *              have them (anonymous otherwise, which public repositories accept). The answer's
 *              `token` (or OAuth2 `access_token`) is cached per (registry, realm, service, scope)
 *              until `expires_in` (default 60 s) minus a margin. Requests carry `Authorization: Bearer <token>`.
 *  4. retry    The request that got the 401 is sent once more, with what 2 or 3 gave. A 401 to a request
 *              that did carry credentials means the cached token expired early, this repository needs
 *              a different challenge than the registry gave before, or access is refused: we adopt the
 *              challenge from that 401, drop the token we sent and go round once more (not when Basic
 *              credentials were refused and Basic is asked for again: the same ones would be refused
 *              again). A second 401 is final (`REGISTRY_UNAUTHORIZED`).
 *
 * go-containerregistry first pings `GET /v2/` and reads the challenge from its 401. We deliberately do
 * not: the 401 of the first real request carries the same challenge, and an anonymous registry just
 * answers it, so the ping is one round trip more per registry per process (bench/registry-minimum.ts
 * counts it as over the minimum). The price is that the first request to a registry that wants
 * credentials is sent twice; with a ping it would have been the ping that was extra. containerd's
 * resolver works the same way (no ping; the challenge comes from the first 401). One case differs from
 * pinging: a registry that answers an anonymous request for a private repository with 404 rather than
 * 401 is taken at its word (the ping's 401 would have made us send credentials first). Token-auth
 * registries (Docker Hub, GHCR, ECR, GAR and the like) are expected to answer 401, but only Debian's
 * distribution registry is tested here (no other registry is reachable from the test machines).
 *
 * Concurrent first requests: while one request is the first contact with a registry, other requests to
 * it wait for that one to learn the answer (step 1), then authenticate up front. So first contact costs
 * one 401 per registry per process, not one per request that happened to be in flight — a burst of
 * queries at start-up would otherwise send a burst of 401s (each counted against rate limits by some
 * registries) — and the wait is one round trip, which is what the ping made them wait before. When
 * the first contact ends without an answer (network error, 5xx after retries, cancelled, any status
 * but 2xx or 401), the requests waiting on it go out anonymously together rather than queueing behind
 * new first contacts one at a time (a registry that is down would otherwise cost one timeout per
 * waiting request in a row); each of them may then get one 401 of its own, and the token
 * single-flight below still turns those into one token request per scope.
 *
 * Secrets (passwords, tokens) live only in request headers and the in-memory cache: no error message
 * built here or below includes them.
 */

/** Token endpoints answer with a small JSON document; anything bigger is not a token response. */
const MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024;

export interface AuthenticatorDeps {
  readonly http: HttpClient;
  readonly credentials: () => Promise<CredentialStore>;
  readonly insecureRegistries: readonly string[];
  readonly now: () => number;
}

/** How one request goes out, and the hook through which its outcome teaches us about the registry. */
export interface AuthorizedAttempt {
  /** The `Authorization` header value, or undefined to go anonymously. */
  readonly authorization: string | undefined;
  /**
   * Called exactly once, when the request has its final answer (`status`) or failed (`undefined`) —
   * after any `rechallenge` for it. Ends a first contact, waking the requests waiting on it.
   */
  readonly done: (status: number | undefined) => void;
}

function basicHeader(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}

function repositoryScope(repository: string): string {
  return `repository:${repository}:pull`;
}

function isSuccess(status: number | undefined): boolean {
  return status !== undefined && status >= 200 && status < 300;
}

export class Authenticator {
  /**
   * What each registry asked for: its challenge, or `null` when an anonymous request succeeded. Absent
   * means not known yet. Only answers are kept, never failures: a network error or a 5xx teaches nothing.
   */
  private readonly challenges = new Map<string, Challenge | null>();
  /** Registries whose first request is in flight; the promise resolves when it is over, however it went. */
  private readonly firstContacts = new Map<string, Promise<void>>();
  private readonly tokens: TokenCache;
  /** Token requests in flight, so concurrent reads of one repository share a single token request. */
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(private readonly deps: AuthenticatorDeps) {
    this.tokens = new TokenCache(deps.now);
  }

  /**
   * How to send the next request for `repository`. The caller must call `done` on what it gets back,
   * also when the request fails, or requests to a new registry would wait for a first contact forever.
   */
  async begin(
    endpoint: Endpoint,
    repository: string,
    signal: AbortSignal | undefined,
  ): Promise<AuthorizedAttempt> {
    const registry = endpoint.registry;
    if (!this.challenges.has(registry)) {
      const ongoing = this.firstContacts.get(registry);
      if (ongoing === undefined) return this.firstContact(endpoint);
      await untilAborted(ongoing, signal, `registry ${registry}`);
    }
    // Still undefined here: the first contact we waited for ended without an answer. Go anonymously,
    // as it did, instead of waiting for another (see the comment at the top).
    const challenge = this.challenges.get(registry) ?? null;
    const authorization =
      challenge === null ? undefined : await this.authorization(endpoint, challenge, repository, signal);
    return { authorization, done: (status) => this.learnFrom(registry, authorization, status) };
  }

  /**
   * Called with the `WWW-Authenticate` of a 401 on a real request (`withCredentials`: whether that
   * request carried an `Authorization`). Returns true when another attempt may succeed, false when the
   * 401 is final (Basic asked for and we have no credentials, or the ones we sent were refused).
   * Throws `REGISTRY_UNAUTHORIZED` when the registry asks for authentication we cannot give at all.
   */
  async rechallenge(
    endpoint: Endpoint,
    repository: string,
    header: string | undefined,
    withCredentials: boolean,
  ): Promise<boolean> {
    const challenge = preferredChallenge(parseWwwAuthenticate(header));
    if (challenge === undefined) {
      throw new RegistryError(
        'REGISTRY_UNAUTHORIZED',
        `registry ${endpoint.registry} requires authentication we do not support`,
        { status: 401 },
      );
    }
    const previous = this.challenges.get(endpoint.registry);
    this.challenges.set(endpoint.registry, challenge);
    if (withCredentials) {
      // The token we sent was refused: never send it again. An anonymous request's 401 says nothing
      // about cached tokens, and dropping one there would undo a concurrent request's token fetch.
      if (previous?.scheme === 'bearer') this.tokens.delete(this.tokenKey(endpoint, previous, repository));
      if (challenge.scheme === 'bearer') this.tokens.delete(this.tokenKey(endpoint, challenge, repository));
      // Basic refused after Basic: the same credentials again would be refused again.
      if (challenge.scheme === 'basic' && previous?.scheme === 'basic') return false;
    }
    if (challenge.scheme === 'bearer') return true;
    // Basic: only worth another round if we actually have something to send.
    return lookupCredentials(await this.deps.credentials(), endpoint.registry) !== undefined;
  }

  /** The first request to a registry: sent anonymously; requests that come meanwhile wait for its outcome. */
  private firstContact(endpoint: Endpoint): AuthorizedAttempt {
    const registry = endpoint.registry;
    let over!: () => void;
    const contact = new Promise<void>((resolve) => (over = resolve));
    this.firstContacts.set(registry, contact);
    return {
      authorization: undefined,
      done: (status) => {
        this.learnFrom(registry, undefined, status);
        if (this.firstContacts.get(registry) === contact) this.firstContacts.delete(registry);
        over();
      },
    };
  }

  /** A 2xx to an anonymous request, to a registry we knew nothing about: anonymous access works. */
  private learnFrom(registry: string, authorization: string | undefined, status: number | undefined): void {
    if (authorization === undefined && isSuccess(status) && !this.challenges.has(registry)) {
      this.challenges.set(registry, null);
    }
  }

  /** The `Authorization` header value answering `challenge`, or undefined to go anonymously. */
  private async authorization(
    endpoint: Endpoint,
    challenge: Challenge,
    repository: string,
    signal: AbortSignal | undefined,
  ): Promise<string | undefined> {
    switch (challenge.scheme) {
      case 'basic': {
        // Only ever here because this registry asked for Basic (`challenge` came from its 401). Never
        // offered proactively: credentials sent to a registry that did not ask for them leak to
        // whatever answers at that address (a registry name that now points elsewhere, a proxy).
        const credentials = lookupCredentials(await this.deps.credentials(), endpoint.registry);
        return credentials === undefined ? undefined : basicHeader(credentials);
      }
      case 'bearer':
        return `Bearer ${await this.bearerToken(endpoint, challenge, repository, signal)}`;
      case 'other':
        return undefined;
    }
  }

  private tokenKey(
    endpoint: Endpoint,
    challenge: Challenge & { scheme: 'bearer' },
    repository: string,
  ): TokenKey {
    return {
      registry: endpoint.registry,
      realm: challenge.realm,
      service: challenge.service,
      scope: repositoryScope(repository),
    };
  }

  private async bearerToken(
    endpoint: Endpoint,
    challenge: Challenge & { scheme: 'bearer' },
    repository: string,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    const key = this.tokenKey(endpoint, challenge, repository);
    const cached = this.tokens.get(key);
    if (cached !== undefined) return cached;
    const id = JSON.stringify(key);
    let pending = this.inflight.get(id);
    if (pending === undefined) {
      const request = this.requestToken(endpoint, challenge, repository, key);
      pending = request;
      this.inflight.set(id, request);
      const forget = () => {
        if (this.inflight.get(id) === request) this.inflight.delete(id);
      };
      request.then(forget, forget);
    }
    return untilAborted(pending, signal, `a token for ${endpoint.registry}/${repository}`);
  }

  private async requestToken(
    endpoint: Endpoint,
    challenge: Challenge & { scheme: 'bearer' },
    repository: string,
    key: TokenKey,
  ): Promise<string> {
    const realm = this.realmUrl(challenge.realm, endpoint);
    if (challenge.service !== undefined) realm.searchParams.set('service', challenge.service);
    realm.searchParams.set('scope', key.scope);
    const credentials = lookupCredentials(await this.deps.credentials(), endpoint.registry);
    const what = `a token from ${realm.host} for ${endpoint.registry}/${repository}`;
    const obtainedAt = this.deps.now();
    const res = await this.deps.http.get(
      {
        url: realm,
        headers: {
          accept: 'application/json',
          ...(credentials ? { authorization: basicHeader(credentials) } : {}),
        },
        maxBodyBytes: MAX_TOKEN_RESPONSE_BYTES,
        tooLarge: () =>
          new RegistryError('REGISTRY_PROTOCOL_ERROR', `oversized token response from ${realm.host}`),
        what,
      },
      undefined,
    );
    if (res.status === 401 || res.status === 403) {
      throw new RegistryError(
        'REGISTRY_UNAUTHORIZED',
        `token endpoint ${realm.host} refused ${credentials ? 'our credentials' : 'anonymous access'} for ${endpoint.registry}/${repository} (HTTP ${res.status})`,
        { status: res.status },
      );
    }
    if (res.status !== 200) throw errorFromResponse(res.status, res.body, 'token', what);
    const parsed = parseTokenResponse(res.body, realm.host);
    const expiresAt = tokenExpiry(obtainedAt, parsed.expiresInSeconds);
    // Registries quote tokens back bare, without `Bearer `: redacted by value from now on.
    heldSecrets.holdIssuedToken(parsed.token, expiresAt);
    this.tokens.set(key, parsed.token, expiresAt);
    return parsed.token;
  }

  /**
   * The realm comes from the registry, so it is checked like a registry address: HTTPS, unless its
   * host was configured insecure. Credentials must not travel in clear text to wherever a realm points.
   */
  private realmUrl(realm: string, endpoint: Endpoint): URL {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RegistryError(
        'REGISTRY_PROTOCOL_ERROR',
        `${endpoint.registry} sent an unparseable token realm`,
      );
    }
    if (url.username !== '' || url.password !== '') {
      throw new RegistryError(
        'REGISTRY_PROTOCOL_ERROR',
        `${endpoint.registry} sent a token realm with userinfo`,
      );
    }
    if (url.protocol === 'https:') return url;
    if (url.protocol === 'http:' && isInsecureHost(url.host, this.deps.insecureRegistries)) return url;
    throw new RegistryError(
      'INSECURE_REGISTRY',
      `token realm ${url.protocol}//${url.host} is not HTTPS and not configured insecure`,
    );
  }
}
