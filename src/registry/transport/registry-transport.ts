import type { Endpoint } from '../endpoint.js';
import type { Authenticator } from './authenticator.js';
import type { HttpClient } from './http-client.js';
import type { ExchangeRequest, HttpResponse } from './http-exchange.js';

export type RegistryRequest = Omit<ExchangeRequest, 'headers'> & { readonly accept: string };

/**
 * The layered transport: authentication (see {@link Authenticator}) over retries and redirects
 * (see {@link HttpClient}) over one HTTP exchange. Returns the final response; a 401 comes back only
 * after one re-authentication was tried, or when no challenge could be answered.
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
    for (let round = 0; ; round++) {
      const authorization = await this.auth.authorization(endpoint, repository, signal);
      const { accept, ...rest } = req;
      const headers: Record<string, string> =
        authorization === undefined ? { accept } : { accept, authorization };
      const res = await this.http.get({ ...rest, headers }, signal);
      if (res.status !== 401 || round >= 1) return res;
      const again = await this.auth.rechallenge(endpoint, repository, res.headers.get('www-authenticate'));
      if (!again) return res;
    }
  }
}
