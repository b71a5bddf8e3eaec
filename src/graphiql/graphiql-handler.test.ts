import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphiQLHandler } from './graphiql-handler.js';
import { EXAMPLE_TABS, exampleTabs, WALKTHROUGH_WORLD } from './example-queries.js';
import { CONTENT_SECURITY_POLICY } from './page.js';

/** The handler behind a real HTTP server, over a bundle directory written by the test. */
async function serve(assetsDir: string): Promise<{ url: string; server: Server; missing: string[] }> {
  const missing: string[] = [];
  const handler = createGraphiQLHandler({ assetsDir, onMissingBundle: (e) => missing.push(e.message) });
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, missing };
}

describe('the GraphiQL handler', () => {
  let dir: string;
  let url: string;
  let server: Server;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'imprimatur-graphiql-handler-'));
    await writeFile(join(dir, 'graphiql.js'), 'console.log("bundle")');
    await writeFile(join(dir, 'graphiql.css'), 'body{}');
    await writeFile(join(dir, 'notes.md'), 'not a served type');
    ({ url, server } = await serve(dir));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the page with a self-only CSP and relative asset links, no inline script or style', async () => {
    const res = await fetch(`${url}/graphql`);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const html = await res.text();
    expect(html).toContain('<script type="module" src="graphiql/graphiql.js"></script>');
    expect(html).not.toMatch(/<script>|<style|style="/);
  });

  it('serves the walkthrough tabs by default, under an id that names the set', async () => {
    const res = await fetch(`${url}/graphiql/examples.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = (await res.json()) as { id: string; tabs: unknown };
    expect(body.tabs).toEqual(JSON.parse(JSON.stringify(EXAMPLE_TABS)));
    expect(body.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('serves the tabs it was given, under another id, so a browser does not reopen the old set', async () => {
    const tabs = exampleTabs({
      ...WALKTHROUGH_WORLD,
      indexRef: '127.0.0.1:5000/acme/widget@sha256:' + 'a'.repeat(64),
    });
    const handler = createGraphiQLHandler({ assetsDir: dir, exampleTabs: tabs });
    const other = createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const port = (other.address() as AddressInfo).port;
      const mine = (await (await fetch(`http://127.0.0.1:${port}/graphiql/examples.json`)).json()) as {
        id: string;
        tabs: { variables: { ref: string } }[];
      };
      const theirs = (await (await fetch(`${url}/graphiql/examples.json`)).json()) as { id: string };
      expect(mine.tabs[0]?.variables.ref).toBe(`127.0.0.1:5000/acme/widget@sha256:${'a'.repeat(64)}`);
      expect(mine.id).not.toBe(theirs.id);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('serves bundle files with their type and an ETag, answering 304 when unchanged', async () => {
    const res = await fetch(`${url}/graphiql/graphiql.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await res.text()).toBe('console.log("bundle")');
    const etag = res.headers.get('etag') ?? '';
    const again = await fetch(`${url}/graphiql/graphiql.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  // (`/graphiql/../x` never arrives as such: clients normalise dot segments before sending.)
  it.each([
    '/graphiql/notes.md',
    '/graphiql/%2e%2e%2fpackage.json',
    '/graphiql/..%2Fpackage.json',
    '/graphiql/',
  ])('answers 404 for %s: only files of the bundle, looked up by name, are served', async (path) => {
    expect((await fetch(`${url}${path}`)).status).toBe(404);
  });

  it('answers 405 to anything but GET and HEAD on the bundle', async () => {
    const res = await fetch(`${url}/graphiql/graphiql.js`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('the GraphiQL handler without a built bundle', () => {
  it('answers 503 naming the build command, and tells the operator once per attempt', async () => {
    const { url, server, missing } = await serve('/nonexistent/imprimatur/graphiql-assets');
    try {
      const res = await fetch(`${url}/graphql`);
      expect(res.status).toBe(503);
      expect(await res.text()).toContain('npm run build');
      expect(missing).toHaveLength(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
