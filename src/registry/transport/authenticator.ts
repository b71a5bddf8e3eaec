import { isInsecureHost, type Endpoint } from '../endpoint.js';
import { errorFromResponse, RegistryError } from '../errors.js';
import { untilAborted } from './abortable.js';
import { lookupCredentials, type CredentialStore, type Credentials } from './docker-config.js';
import type { HttpClient } from './http-client.js';
import { MAX_ERROR_BODY_BYTES } from './http-exchange.js';
import { TokenCache, tokenExpiry, type TokenKey } from './token-cache.js';
import { parseTokenResponse } from './token-response.js';
import { parseWwwAuthenticate, preferredChallenge, type Challenge } from './www-authenticate.js';

/**
 * How we authenticate to a registry — the Docker/OCI handshake, as go-containerregistry's transport
 * does it:
 *
 *  1. ping     GET /v2/ once per registry (cached).  200 → anonymous access works, send no auth.
 *              401 → the `WWW-Authenticate` header says how to authenticate:
 *  2. challenge  `Basic realm=...`  → send `Authorization: Basic base64(user:pass)` from config.json
 *                (or nothing when we have no credentials; the registry will then refuse).
 *                `Bearer realm=R,service=S` → go to 3.
 *  3. bearer   GET R?service=S&scope=repository:<repo>:pull, with our Basic credentials for R when we
 *              have them (anonymous otherwise, which public repositories accept). The answer's
 *              `token` (or OAuth2 `access_token`) is cached per (registry, realm, service, scope)
 *              until `expires_in` (default 60 s) minus a margin. Requests carry `Authorization: Bearer <token>`.
 *  4. retry    A 401 on a real request means the cached token expired early, the repository needs a
 *              different challenge than /v2/ did, or access is refused. We adopt the challenge from
 *              that 401, drop the cached token and go round once more; a second 401 is final.
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

function basicHeader(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}

function repositoryScope(repository: string): string {
  return `repository:${repository}:pull`;
}

export class Authenticator {
  /** The challenge each registry answered with; `null` = anonymous. Only successful pings are kept. */
  private readonly challenges = new Map<string, Promise<Challenge | null>>();
  private readonly tokens: TokenCache;
  /** Token requests in flight, so concurrent reads of one repository share a single token request. */
  private readonly inflight = new Map<string, Promise<string>>();

  constructor(private readonly deps: AuthenticatorDeps) {
    this.tokens = new TokenCache(deps.now);
  }

  /** The `Authorization` header value for reading `repository`, or undefined for anonymous. */
  async authorization(
    endpoint: Endpoint,
    repository: string,
    signal: AbortSignal | undefined,
  ): Promise<string | undefined> {
    const challenge = await this.challengeFor(endpoint, signal);
    if (challenge === null) return undefined;
    switch (challenge.scheme) {
      case 'basic': {
        const credentials = lookupCredentials(await this.deps.credentials(), endpoint.registry);
        return credentials === undefined ? undefined : basicHeader(credentials);
      }
      case 'bearer':
        return `Bearer ${await this.bearerToken(endpoint, challenge, repository, signal)}`;
      case 'other':
        return undefined;
    }
  }

  /**
   * Called with the `WWW-Authenticate` of a 401 on a real request. Returns true when another attempt
   * may succeed (a challenge we can answer), false when the 401 is final.
   */
  async rechallenge(endpoint: Endpoint, repository: string, header: string | undefined): Promise<boolean> {
    const challenge = preferredChallenge(parseWwwAuthenticate(header));
    if (challenge === undefined || challenge.scheme === 'other') return false;
    const previous = await this.challenges.get(endpoint.registry)?.catch(() => null);
    if (previous?.scheme === 'bearer') this.tokens.delete(this.tokenKey(endpoint, previous, repository));
    this.challenges.set(endpoint.registry, Promise.resolve(challenge));
    if (challenge.scheme === 'bearer') {
      this.tokens.delete(this.tokenKey(endpoint, challenge, repository));
      return true;
    }
    // Basic: only worth another round if we actually have something to send.
    return lookupCredentials(await this.deps.credentials(), endpoint.registry) !== undefined;
  }

  private challengeFor(endpoint: Endpoint, signal: AbortSignal | undefined): Promise<Challenge | null> {
    let pending = this.challenges.get(endpoint.registry);
    if (pending === undefined) {
      // Shared by every request to this registry, so it does not take any one caller's signal.
      const ping = this.ping(endpoint);
      pending = ping;
      this.challenges.set(endpoint.registry, ping);
      // A failed ping (network, 5xx) is not remembered: the next request pings again.
      ping.catch(() => {
        if (this.challenges.get(endpoint.registry) === ping) this.challenges.delete(endpoint.registry);
      });
    }
    return untilAborted(pending, signal, `registry ${endpoint.registry}`);
  }

  private async ping(endpoint: Endpoint): Promise<Challenge | null> {
    const what = `registry ${endpoint.registry}`;
    const res = await this.deps.http.get(
      {
        url: new URL('/v2/', endpoint.baseUrl),
        headers: {},
        maxBodyBytes: MAX_ERROR_BODY_BYTES,
        tooLarge: () => new RegistryError('REGISTRY_PROTOCOL_ERROR', `oversized answer from ${what}`),
        what,
      },
      undefined,
    );
    if (res.status >= 200 && res.status < 300) return null;
    if (res.status !== 401) throw errorFromResponse(res.status, res.body, 'ping', what);
    const challenge = preferredChallenge(parseWwwAuthenticate(res.headers.get('www-authenticate')));
    if (challenge === undefined) {
      throw new RegistryError('REGISTRY_UNAUTHORIZED', `${what} requires authentication we do not support`, {
        status: 401,
      });
    }
    return challenge;
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
    this.tokens.set(key, parsed.token, tokenExpiry(obtainedAt, parsed.expiresInSeconds));
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
