import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/paths.js';
import { freePort, REGISTRY_BINARY } from '../support/registry/index.js';
import { launchChromium } from './browser.js';

/**
 * The README's quick start, run as a newcomer would type it: the shell commands are taken from the
 * README's own code blocks (not copied here), so a quick start that stops working fails this test.
 *
 * What is not run literally, and why:
 * - `npm ci`: installing is the test machine's setup (the checkout's node_modules). `npm run demo`
 *   runs literally, its `predemo` step included (scripts/test-deps.sh installing docker-registry
 *   when missing, which on a test machine finds it present).
 * - The ports: the README names 127.0.0.1:4000 and 127.0.0.1:5000, which other test files running at
 *   the same time may hold. The commands run with PORT / REGISTRY_PORT / IMPRIMATUR_PORT set to free
 *   ports (the variables the README names for exactly this), and only those two numbers are rewritten
 *   in the commands and URLs taken from the README.
 */
const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const READY_TIMEOUT_MS = 90_000;

/** The `sh` code blocks of the README's "Quick start" section, in order, as lists of command lines. */
function quickStartBlocks(): string[][] {
  const start = README.indexOf('\n## Quick start\n');
  const end = README.indexOf('\n## ', start + 1);
  if (start < 0 || end < 0) throw new Error('README has no "## Quick start" section');
  const section = README.slice(start, end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) =>
    (m[1] ?? '')
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter((line) => line !== ''),
  );
}

/** The http(s) URLs the quick-start prose tells the reader to open. */
function quickStartUrls(): string[] {
  const start = README.indexOf('\n## Quick start\n');
  const section = README.slice(start, README.indexOf('\n## ', start + 1));
  return [...section.replace(/```[\s\S]*?```/g, '').matchAll(/http:\/\/127\.0\.0\.1:\d+\/[\w/]*/g)].map(
    (m) => m[0],
  );
}

interface Running {
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Runs one README line with bash, in its own process group so stopping it stops npm's children too. */
function run(command: string, env: Record<string, string>): Running {
  const child = spawn('bash', ['-c', command], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => text,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // Ctrl-C as a terminal sends it: to the whole foreground group.
      process.kill(-(child.pid as number), 'SIGINT');
      const killer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

async function waitFor(running: Running, url: string, ready: (output: string) => boolean): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (running.child.exitCode !== null) throw new Error(`exited early:\n${running.output()}`);
    try {
      const res = await fetch(url);
      if (res.ok && ready(running.output())) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up:\n${running.output()}`);
}

function execute(command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', command], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the README's quick start, run as written", () => {
  const blocks = quickStartBlocks();
  let servicePort: number;
  let registryPort: number;
  let demo: Running;
  const local = (text: string) =>
    text
      .replaceAll('127.0.0.1:4000', `127.0.0.1:${servicePort}`)
      .replaceAll('127.0.0.1:5000', `127.0.0.1:${registryPort}`);

  beforeAll(async () => {
    servicePort = await freePort();
    registryPort = await freePort();
    const [install] = blocks;
    expect(install).toEqual(['npm ci', 'npm run demo']);
    expect(await execute(`command -v ${REGISTRY_BINARY}`)).toMatchObject({ code: 0 });
    demo = run(install?.[1] ?? '', { PORT: String(servicePort), REGISTRY_PORT: String(registryPort) });
    // Ready once the guide is printed: it comes after the demo's own queries ran.
    await waitFor(demo, `http://127.0.0.1:${servicePort}/healthz`, (out) => out.includes('Ctrl-C stops'));
  }, READY_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    await demo?.stop();
  });

  it('has the three blocks the text describes: install and demo, a curl, and running the service', () => {
    expect(blocks).toHaveLength(3);
    expect(blocks[1]).toHaveLength(1);
    expect(blocks[1]?.[0]).toMatch(/^curl /);
  });

  it("answers the README's curl with VERIFIED and the release workflow's identity", async () => {
    const { code, stdout, stderr } = await execute(local(blocks[1]?.[0] ?? ''));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const answer = JSON.parse(stdout) as {
      status: string;
      verified: boolean;
      signatures: { identity: { subjectAlternativeName: string } }[];
    };
    expect(answer.status).toBe('VERIFIED');
    expect(answer.verified).toBe(true);
    expect(answer.signatures.map((s) => s.identity.subjectAlternativeName)).toContain(
      'https://github.com/acme/widget/.github/workflows/release.yml@refs/tags/v1.2.3',
    );
  });

  describe('in a real browser', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('opens the GraphiQL URL the README gives, from the service alone, with tabs that answer about the demo world', async () => {
      const urls = quickStartUrls().filter((url) => url.endsWith('/graphql'));
      expect(urls).toEqual(['http://127.0.0.1:4000/graphql']);
      const page = await browser.newPage();
      const foreign: string[] = [];
      const origin = local('http://127.0.0.1:4000');
      page.on('request', (request) => {
        if (!request.url().startsWith(`${origin}/`) && !request.url().startsWith('data:'))
          foreign.push(request.url());
      });
      await page.goto(local(urls[0] ?? ''));
      await page.locator('.graphiql-container').waitFor({ timeout: 20_000 });
      // Its tabs are about the demo world, and each answers as the README says, offline.
      const expected: Readonly<Record<string, string>> = {
        VerifyIndex: '"status": "VERIFIED"',
        VerifyPlatformDigest: '"status": "UNSIGNED"',
        WrongIssuer: '"code": "ISSUER_MISMATCH"',
        WrongIdentity: '"code": "IDENTITY_MISMATCH"',
        PlatformViaIndex: '"status": "VERIFIED_VIA_INDEX"',
        ProvenanceOfIndex: '"sourceRef": "refs/tags/v1.2.3"',
        SbomOfPlatform: '"purl": "pkg:npm/cookie@0.6.0"',
        VexOfIndex: '"justification": "vulnerable_code_cannot_be_controlled_by_adversary"',
        CelConditionPasses: '"status": "VERIFIED"',
        CelConditionFails: '"code": "CONDITION_FAILED"',
      };
      await expect.poll(() => page.locator('.graphiql-tab').allInnerTexts()).toEqual(Object.keys(expected));
      const result = page.locator('section[aria-label="Result Window"]');
      for (const [title, answer] of Object.entries(expected)) {
        await page.locator('.graphiql-tab', { hasText: title }).click();
        await page.getByRole('button', { name: /Execute query/ }).click();
        await expect.poll(() => result.innerText(), { timeout: 15_000 }).toContain(answer);
        const variables = page.locator(
          'section[aria-label="Variables"] .graphiql-editor:not(.hidden) .CodeMirror',
        );
        expect(await variables.innerText()).toContain(`127.0.0.1:${registryPort}/acme/widget@sha256:`);
      }
      expect(foreign).toEqual([]);
      await page.close();
    });
  });

  it('runs the service with npm start, and with node dist/main.js; IMPRIMATUR_PORT wins over PORT', async () => {
    const [start, direct] = blocks[2] ?? [];
    expect([start, direct]).toEqual(['npm start', 'node dist/main.js']);
    for (const command of [start, direct]) {
      const port = await freePort();
      const service = run(command ?? '', { PORT: String(await freePort()), IMPRIMATUR_PORT: String(port) });
      try {
        await waitFor(service, `http://127.0.0.1:${port}/healthz`, () => true);
      } finally {
        await service.stop();
      }
    }
  }, 180_000);
});
