import { pino } from 'pino';
import { loadConfig, type Config } from '../../src/config/index.js';
import type { RegistryClient } from '../../src/registry/types.js';
import { createServer, type ImprimaturServer, type ServerDependencies } from '../../src/server.js';

/**
 * The real service, started in-process on a random loopback port, for integration tests that talk to
 * it over HTTP exactly as a client would.
 */
export interface TestService {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly server: ImprimaturServer;
  /** POSTs a GraphQL request to `/graphql` and returns the HTTP status and parsed JSON body. */
  graphql<TData = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLReply<TData>>;
  stop(): Promise<void>;
}

export interface GraphQLReply<TData> {
  readonly status: number;
  readonly data: TData | null | undefined;
  readonly errors: readonly GraphQLReplyError[] | undefined;
}

export interface GraphQLReplyError {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: { readonly code?: string } & Record<string, unknown>;
}

export interface TestServiceOptions {
  /** Registry hosts reached over plain HTTP (the test registries on 127.0.0.1). */
  readonly insecureRegistries: readonly string[];
  /** A Docker `config.json` with registry credentials; default: a path that does not exist (no credentials). */
  readonly authFile?: string;
  /** Replaces the real registry client; only for tests of failures a real registry cannot produce. */
  readonly registry?: RegistryClient;
  readonly graphiql?: ServerDependencies['graphiql'];
  readonly config?: Partial<Omit<Config, 'registry'>>;
  /** Registry settings over the test defaults (e.g. `allowedRegistries`, `caFile` for an HTTPS registry). */
  readonly registryConfig?: Partial<Config['registry']>;
}

/**
 * Configuration for tests: loopback only, fast registry retries, no credentials file, the embedded
 * trust root without TUF refreshes (the public-good mirror is not reachable from tests).
 */
export function testConfig(options: TestServiceOptions): Config {
  const defaults = loadConfig({ IMPRIMATUR_TRUST_ROOT_SOURCE: 'embedded' });
  return {
    ...defaults,
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    ...options.config,
    registry: {
      ...defaults.registry,
      authFile: options.authFile ?? '/nonexistent/imprimatur-test/config.json',
      insecureRegistries: [...options.insecureRegistries],
      requestTimeoutMs: 5_000,
      maxRetries: 1,
      retryBaseDelayMs: 10,
      maxRetryAfterMs: 1_000,
      ...options.registryConfig,
    },
  };
}

export async function startTestService(options: TestServiceOptions): Promise<TestService> {
  const config = testConfig(options);
  const server = await createServer(config, {
    logger: pino({ level: 'silent' }),
    ...(options.registry === undefined ? {} : { registry: options.registry }),
    ...(options.graphiql === undefined ? {} : { graphiql: options.graphiql }),
  });
  const { url } = await server.listen();
  return {
    url,
    server,
    async graphql<TData>(query: string, variables?: Record<string, unknown>): Promise<GraphQLReply<TData>> {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
        },
        body: JSON.stringify({ query, ...(variables === undefined ? {} : { variables }) }),
      });
      const body = (await res.json()) as { data?: TData | null; errors?: GraphQLReplyError[] };
      return { status: res.status, data: body.data, errors: body.errors };
    },
    stop: () => server.stop(),
  };
}
