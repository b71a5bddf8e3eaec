import type { Endpoint } from '../endpoint.js';
import type { Authenticator } from './authenticator.js';
import type { HttpClient } from './http-client.js';
import type { ExchangeRequest, HttpResponse } from './http-exchange.js';

export type RegistryRequest = Omit<ExchangeRequest, 'headers'> & { readonly accept: string };

/**
 * The layered transport: authentication (see {@link Authenticator}) over retries and redirects
 * (see {@link HttpClient}) over one HTTP exchange. Returns the final response; a 401 comes back only
 * after one re-authentication was tried, or when Basic was asked for and we have no credentials. A 401
 * whose challenge we cannot answer at all throws `REGISTRY_UNAUTHORIZED`.
 */
export class RegistryTransport {
  constructor(
    private readonly http: HttpClient,
    private readonly auth: Authenticator,
  ) {}

  async get(
    endpoint: Endpoint,
    repository: string,
    req: RegistryRequest,
    signal: AbortSignal | undefined,
  ): Promise<HttpResponse> {
    const { accept, ...rest } = req;
    for (let round = 0; ; round++) {
      const attempt = await this.auth.begin(endpoint, repository, signal);
      let status: number | undefined;
      try {
        const { authorization } = attempt;
        const headers: Record<string, string> =
          authorization === undefined ? { accept } : { accept, authorization };
        const res = await this.http.get({ ...rest, headers }, signal);
        status = res.status;
        if (res.status !== 401 || round >= 1) return res;
        const header = res.headers.get('www-authenticate');
        const again = await this.auth.rechallenge(endpoint, repository, header, authorization !== undefined);
        if (!again) return res;
      } finally {
        // After the rechallenge, so requests waiting on a first contact wake to a known challenge.
        attempt.done(status);
      }
    }
  }
}
