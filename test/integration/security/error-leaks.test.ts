import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryClient } from '../../../src/registry/index.js';
import type { RegistryClient } from '../../../src/registry/types.js';
import { startFakeRegistry, type FakeRegistry } from '../registry/fake-registry.js';
import { startTestService, testConfig, type TestService } from '../../support/service.js';
import { testResolver } from './test-resolver.js';

const USER = 'robot-account';
const PASSWORD = 'pa55-w0rd-that-must-not-leak';
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');

/**
 * What callers see when things go wrong: never our registry credentials (even when a registry echoes
 * them back), never the internal address a name resolved to, never a stack trace.
 */
describe('error responses', () => {
  let dir: string;
  let echo: FakeRegistry;
  let service: TestService;
  let bodies: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'imprimatur-leaks-'));
    echo = await startFakeRegistry();
    const authFile = join(dir, 'config.json');
    await writeFile(authFile, JSON.stringify({ auths: { [echo.host]: { auth: BASIC } } }));
    // A registry that refuses our credentials and quotes them in its error message.
    echo.handle((req, res) => {
      res.writeHead(req.headers.authorization ? 403 : 401, {
        'content-type': 'application/json',
        'www-authenticate': 'Basic realm="echo"',
      });
      res.end(
        JSON.stringify({
          errors: [
            { code: 'DENIED', message: `refused Authorization: ${req.headers.authorization ?? 'none'}` },
          ],
        }),
      );
    });
    const config = testConfig({ insecureRegistries: [echo.host], authFile });
    const registry: RegistryClient = createRegistryClient(config.registry, {
      resolver: testResolver({ 'internal.test': ['10.20.30.40'] }).resolve,
    });
    service = await startTestService({ insecureRegistries: [echo.host], authFile, registry });
    bodies = [];
  });
  afterAll(async () => {
    await service?.stop();
    await echo?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const ask = async (query: string) => {
    const res = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    const text = await res.text();
    bodies.push(text);
    return JSON.parse(text) as { errors?: { message: string; extensions?: { code?: string } }[] };
  };

  it('do not repeat credentials a registry echoes back', async () => {
    const reply = await ask(`{ image(ref: "${echo.host}/team/app:v1") { digest } }`);
    expect(reply.errors?.[0]?.extensions?.code).toBe('REGISTRY_DENIED');
    expect(echo.requests.some((r) => r.headers.authorization === `Basic ${BASIC}`)).toBe(true);
    const text = JSON.stringify(reply);
    expect(text).not.toContain(BASIC);
    expect(text).not.toContain(PASSWORD);
    expect(text).toContain('[redacted]');
  });

  it('do not tell which internal address a registry name resolved to', async () => {
    const reply = await ask(`{ image(ref: "internal.test/team/app:v1") { digest } }`);
    expect(reply.errors?.[0]?.extensions?.code).toBe('REGISTRY_FORBIDDEN');
    expect(reply.errors?.[0]?.message).toContain('internal.test');
    expect(JSON.stringify(reply)).not.toContain('10.20.30.40');
  });

  it('never carry a stack trace or a cause', async () => {
    await ask(`{ image(ref: "127.0.0.1:9/nothing/here:v1") { digest } }`);
    await ask(`{ image(ref: "not a reference") { digest } }`);
    await ask(`{ image(ref: ) }`);
    for (const body of bodies) {
      expect(body).not.toMatch(/stacktrace|"cause"|\n\s+at /);
      expect(body).not.toContain(dir);
    }
    expect(bodies.length).toBeGreaterThanOrEqual(5);
  });
});
