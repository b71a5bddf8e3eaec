import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServiceProcess, type ServiceProcess } from '../../support/service-process.js';
import { startFakeRegistry, type FakeRegistry } from '../registry/fake-registry.js';

const USER = 'robot-account';
const PASSWORD = 'Pa55+w0rd/that"must-not-leak';
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
/** Opaque, not a JWT: only redaction by value can catch it. */
const ISSUED_TOKEN = 'opaque-7c1e9a0b52d84f36a1e0c9b7d2f45e83';
const CALLER_TOKEN = 'caller-token-5d8e1f7a2b3c4d6e';

/** How each repository's registry quotes what we sent it, in its error message. */
const BASIC_SHAPES: Record<string, (authorization: string) => string> = {
  bare: () => `credentials ${BASIC} refused`,
  'auth-basic': () => `key auth:basic:${BASIC} refused`,
  'url-encoded': (authorization) => `GET /v2/?h=${encodeURIComponent(authorization)} refused`,
  password: () => `password ${PASSWORD} expired`,
  pair: () => `login ${USER}:${PASSWORD} refused`,
  'password-base64': () => `pw ${Buffer.from(PASSWORD).toString('base64')} refused`,
  'json-escaped': () => `body {"password":${JSON.stringify(PASSWORD)}} refused`,
  'percent-encoded': () => `form password=${encodeURIComponent(PASSWORD)} refused`,
};
const BEARER_SHAPES: Record<string, (authorization: string) => string> = {
  'token-bare': () => `token ${ISSUED_TOKEN} does not grant pull`,
  'token-header': (authorization) => `Authorization: ${authorization} refused`,
  'token-query': () => `GET /v2/?access_token=${encodeURIComponent(ISSUED_TOKEN)} refused`,
};

/** Every spelling that must not come back. */
const SECRETS = [
  PASSWORD,
  JSON.stringify(PASSWORD).slice(1, -1),
  encodeURIComponent(PASSWORD),
  BASIC,
  encodeURIComponent(BASIC),
  Buffer.from(PASSWORD).toString('base64'),
  ISSUED_TOKEN,
  CALLER_TOKEN,
];

/** A registry that challenges, then refuses what it got and quotes it back in its 403. */
function echoing(registry: FakeRegistry, scheme: 'basic' | 'bearer', shapes: typeof BASIC_SHAPES): void {
  registry.handle((req, res, path) => {
    if (path.startsWith('/token')) {
      const ok = req.headers.authorization === `Basic ${BASIC}`;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      return void res.end(ok ? JSON.stringify({ token: ISSUED_TOKEN, expires_in: 300 }) : '{}');
    }
    const authorization = req.headers.authorization;
    if (authorization === undefined) {
      const challenge =
        scheme === 'basic' ? 'Basic realm="echo"' : `Bearer realm="${registry.url}/token",service="echo"`;
      return void res.writeHead(401, { 'www-authenticate': challenge }).end();
    }
    const shape = /^\/v2\/([a-z0-9-]+)\//.exec(path)?.[1] ?? '';
    const message = shapes[shape]?.(authorization) ?? 'unknown shape';
    res.writeHead(403, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'DENIED', message }] }));
  });
}

/**
 * A real service process whose registries echo its credentials back, in every shape registries
 * and proxies have been seen to use: neither GraphQL errors, nor REST problem details, nor its log
 * carry them; the rest of each message still reads as the registry wrote it.
 */
describe('credentials a registry echoes back', () => {
  let dir: string;
  let basic: FakeRegistry;
  let bearer: FakeRegistry;
  let service: ServiceProcess;
  let url: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'imprimatur-echo-'));
    basic = await startFakeRegistry();
    bearer = await startFakeRegistry();
    echoing(basic, 'basic', BASIC_SHAPES);
    echoing(bearer, 'bearer', BEARER_SHAPES);
    const authFile = join(dir, 'config.json');
    await writeFile(
      authFile,
      JSON.stringify({ auths: { [basic.host]: { auth: BASIC }, [bearer.host]: { auth: BASIC } } }),
    );
    service = await startServiceProcess({
      IMPRIMATUR_LOG_LEVEL: 'trace',
      IMPRIMATUR_INSECURE_REGISTRIES: `${basic.host},${bearer.host}`,
      IMPRIMATUR_REGISTRY_AUTH_FILE: authFile,
      IMPRIMATUR_API_TOKENS: CALLER_TOKEN,
      IMPRIMATUR_REGISTRY_MAX_RETRIES: '0',
    });
    url = service.url;
  }, 40_000);
  afterAll(async () => {
    await service?.stop();
    await basic?.stop();
    await bearer?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const headers = { authorization: `Bearer ${CALLER_TOKEN}`, 'content-type': 'application/json' };
  const cases = [
    ...Object.keys(BASIC_SHAPES).map((shape) => ({ shape, registry: () => basic })),
    ...Object.keys(BEARER_SHAPES).map((shape) => ({ shape, registry: () => bearer })),
  ];

  it.each(cases)(
    'quoted as $shape, stay out of GraphQL errors and REST problem details',
    async ({ shape, registry }) => {
      const ref = `${registry().host}/${shape}/app:v1`;
      const graphql = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query: `{ image(ref: "${ref}") { digest } }` }),
      });
      const answer = (await graphql.json()) as {
        errors?: { message: string; extensions?: { code?: string } }[];
      };
      const rest = await fetch(`${url}/v1/images/${encodeURIComponent(ref)}`, { headers });
      const problem = (await rest.json()) as { detail?: string; code?: string };

      expect(answer.errors?.[0]?.extensions?.code).toBe('REGISTRY_DENIED');
      expect(problem.code).toBe('REGISTRY_DENIED');
      // The registry did get our credentials and did quote them; what it said around them survives.
      expect(registry().requests.some((r) => r.headers.authorization !== undefined)).toBe(true);
      for (const message of [answer.errors?.[0]?.message ?? '', problem.detail ?? '']) {
        expect(message).toContain('[redacted]');
        expect(message).toContain('HTTP 403 DENIED: ');
        for (const secret of SECRETS) expect(message).not.toContain(secret);
      }
    },
  );

  it('leave ordinary words alone: a short digest is answered in full', async () => {
    const ref = `${basic.host}/team/app@sha256:abc`;
    const graphql = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: `{ image(ref: "${ref}") { digest } }` }),
    });
    const answer = (await graphql.json()) as {
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    expect(answer.errors?.[0]?.extensions?.code).toBe('INVALID_REFERENCE');
    expect(answer.errors?.[0]?.message).toContain('digest must be lowercase hex');
    expect(answer.errors?.[0]?.message).not.toContain('[redacted]');
  });

  it('stay out of the log, at every level', () => {
    const log = service.output();
    expect(log).toContain('imprimatur listening');
    for (const secret of SECRETS) expect(log).not.toContain(secret);
    for (const secret of SECRETS) expect(log).not.toContain(JSON.stringify(secret).slice(1, -1));
  });

  it('stay out of /metrics', async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain('imprimatur_registry_requests_total');
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });
});
