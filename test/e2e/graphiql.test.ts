import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGraphiQLAssets } from '../../scripts/build-graphiql.js';
import {
  CONTENT_SECURITY_POLICY,
  createGraphiQLHandler,
  EXAMPLE_TABS,
  exampleTabs,
} from '../../src/graphiql/index.js';
import { REPO_ROOT } from '../support/paths.js';
import { startTestService, type TestService } from '../support/service.js';
import {
  startWalkthrough,
  WALKTHROUGH_POLICY,
  WORKFLOW_SAN,
  type Walkthrough,
} from '../integration/rest/walkthrough.js';
import { launchChromium } from './browser.js';

const SCREENSHOTS = join(REPO_ROOT, 'test-artifacts');

/**
 * GraphiQL as a person meets it: real Chromium opens `/graphql` on the real service (bundle built
 * by the same function `npm run build` uses), which reads a real registry holding a signed
 * multi-platform index from the test Sigstore. The page must load from the service alone, under its
 * CSP, and run the preloaded walkthrough query.
 */
describe('the GraphiQL page in a real browser', () => {
  let walkthrough: Walkthrough;
  let service: TestService;
  let browser: Browser;
  let assetsDir: string;

  beforeAll(async () => {
    // Launch first: without a browser, fail at once with the message that says how to get one.
    browser = await launchChromium();
    assetsDir = await mkdtemp(join(tmpdir(), 'imprimatur-graphiql-'));
    await buildGraphiQLAssets(assetsDir);
    walkthrough = await startWalkthrough();
    service = await startTestService({
      insecureRegistries: [walkthrough.registry.host],
      config: {
        verification: { trustedRootPath: walkthrough.trustedRootPath, maxSignaturesPerDigest: 1000 },
      },
      graphiql: createGraphiQLHandler({ assetsDir }),
    });
    await mkdir(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await walkthrough?.stop();
    if (assetsDir !== undefined) await rm(assetsDir, { recursive: true, force: true });
  });

  /** A fresh page that records every request it makes and every CSP violation it suffers. */
  async function openGraphiQL(): Promise<{
    page: Page;
    requested: string[];
    failed: string[];
    introspection: Promise<number>;
  }> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const requested: string[] = [];
    const failed: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    // GraphiQL's schema (docs, autocompletion, validation) comes from its introspection query.
    const introspection = page
      .waitForResponse((r) => (r.request().postData() ?? '').includes('IntrospectionQuery'), {
        timeout: 15_000,
      })
      .then((r) => r.status());
    page.on('response', (response) => {
      // The introspection answer is judged on its own (see the introspection test below).
      if ((response.request().postData() ?? '').includes('IntrospectionQuery')) return;
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    page.on('pageerror', (error) => failed.push(`page error: ${error.message}`));
    // Injected through the DevTools protocol, so the page's own CSP does not block the recorder.
    await page.addInitScript(() => {
      const seen: string[] = [];
      const page = globalThis as unknown as {
        __cspViolations: string[];
        addEventListener(
          type: string,
          listener: (event: { violatedDirective: string; blockedURI: string }) => void,
        ): void;
      };
      page.__cspViolations = seen;
      page.addEventListener('securitypolicyviolation', (event) =>
        seen.push(`${event.violatedDirective} ${event.blockedURI}`),
      );
    });
    await page.goto(`${service.url}/graphql`);
    await page.locator('.graphiql-container').waitFor({ timeout: 15_000 });
    return { page, requested, failed, introspection };
  }

  async function setVariables(page: Page, variables: Record<string, unknown>): Promise<void> {
    // CodeMirror 5 keeps its instance on the wrapper element; typing would fight its auto-closing brackets.
    await page.locator('section[aria-label="Variables"] .graphiql-editor:not(.hidden) .CodeMirror').evaluate(
      (element, text) => {
        (element as unknown as { CodeMirror: { setValue(value: string): void } }).CodeMirror.setValue(text);
      },
      JSON.stringify(variables, null, 2),
    );
  }

  async function runAndRead(page: Page, expected: string): Promise<string> {
    const execute = page.getByRole('button', { name: /Execute query/ });
    const result = page.locator('section[aria-label="Result Window"]');
    await execute.click();
    // One click, one answer: no second try. A refused operation name after a tab switch is the bug
    // this page once had (see src/graphiql/operation-name.ts), not something to click through.
    await expect.poll(() => result.innerText(), { timeout: 15_000 }).toContain(expected);
    return result.innerText();
  }

  it('loads from the service alone under a self-only CSP, with the walkthrough tabs preloaded', async () => {
    const response = await fetch(`${service.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');

    const { page, requested, failed } = await openGraphiQL();
    const tabs = page.locator('.graphiql-tab');
    await expect.poll(() => tabs.allInnerTexts()).toEqual(EXAMPLE_TABS.map((tab) => tab.title));
    const variables = await page
      .locator('section[aria-label="Variables"] .graphiql-editor:not(.hidden) .CodeMirror')
      .innerText();
    expect(variables).toContain('certificateIdentityRegexp');
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((url) => !url.startsWith(`${service.url}/`) && !url.startsWith('data:'))).toEqual(
      [],
    );
    expect(failed).toEqual([]);
    expect(
      await page.evaluate(() => (globalThis as unknown as { __cspViolations: string[] }).__cspViolations),
    ).toEqual([]);
    await page.close();
  });

  it('loads the schema through introspection, for docs and autocompletion', async () => {
    const { page, introspection } = await openGraphiQL();
    const status = await introspection;
    await page.close();
    expect(status, 'GraphiQL could not load the schema: its introspection query was refused').toBe(200);
  });

  it('runs the preloaded verification query against a signed index and shows it VERIFIED with the signer', async () => {
    const { page, failed } = await openGraphiQL();
    await setVariables(page, { ref: walkthrough.indexRef, policy: WALKTHROUGH_POLICY });
    const shown = await runAndRead(page, '"status": "VERIFIED"');
    expect(shown).toContain(walkthrough.indexDigest);
    expect(shown).toContain(WORKFLOW_SAN);
    await page.screenshot({ path: join(SCREENSHOTS, 'graphiql-verified.png') });
    expect(failed).toEqual([]);
    await page.close();
  });

  it('shows the wrong-issuer tab FAILED with the issuer the signature really has', async () => {
    const { page } = await openGraphiQL();
    await page.locator('.graphiql-tab', { hasText: 'WrongIssuer' }).click();
    await setVariables(page, {
      ref: walkthrough.indexRef,
      policy: { ...WALKTHROUGH_POLICY, certificateOidcIssuer: 'https://google.com' },
    });
    const shown = await runAndRead(page, '"status": "FAILED"');
    expect(shown).toContain('ISSUER_MISMATCH');
    expect(shown).toContain('https://token.actions.githubusercontent.com');
    await page.screenshot({ path: join(SCREENSHOTS, 'graphiql-wrong-issuer.png') });
    await page.close();
  });

  it('shows a platform reached through the signed index VERIFIED_VIA_INDEX, naming the index', async () => {
    const { page } = await openGraphiQL();
    await page.locator('.graphiql-tab', { hasText: 'PlatformViaIndex' }).click();
    await setVariables(page, {
      ref: walkthrough.tagRef,
      platform: 'linux/amd64',
      policy: WALKTHROUGH_POLICY,
    });
    const shown = await runAndRead(page, '"status": "VERIFIED_VIA_INDEX"');
    expect(shown).toContain(walkthrough.platformDigest);
    expect(shown).toContain(`"inheritedFrom": "${walkthrough.indexDigest}"`);
    await page.screenshot({ path: join(SCREENSHOTS, 'graphiql-platform-via-index.png') });
    await page.close();
  });
});

describe('with IMPRIMATUR_GRAPHIQL=false', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService({ insecureRegistries: [], config: { graphiql: false } });
  });
  afterAll(async () => service?.stop());

  it('serves neither the page nor its bundle, and refuses introspection, each time naming the setting', async () => {
    const page = await fetch(`${service.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(404);
    const text = await page.text();
    expect(text).toContain('IMPRIMATUR_GRAPHIQL=false');
    expect(text).not.toMatch(/CSRF|Cross-Site/i);
    expect(text).not.toMatch(/<script/i);
    const bundle = await fetch(`${service.url}/graphiql/graphiql.js`);
    expect(bundle.status).toBe(404);
    await bundle.arrayBuffer();
    const introspection = await service.graphql('{ __schema { queryType { name } } }');
    expect(introspection.status).toBe(400);
    expect(introspection.data?.__schema).toBeUndefined();
    expect(introspection.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(introspection.errors?.[0]?.message).toContain('IMPRIMATUR_GRAPHIQL=false');
  });
});

describe('GraphiQL clicked through by a hurried user', () => {
  let walkthrough: Walkthrough;
  let service: TestService;
  let browser: Browser;
  let assetsDir: string;

  beforeAll(async () => {
    browser = await launchChromium();
    assetsDir = await mkdtemp(join(tmpdir(), 'imprimatur-graphiql-'));
    await buildGraphiQLAssets(assetsDir);
    walkthrough = await startWalkthrough();
    service = await startTestService({
      insecureRegistries: [walkthrough.registry.host],
      config: {
        verification: { trustedRootPath: walkthrough.trustedRootPath, maxSignaturesPerDigest: 1000 },
      },
      // Tabs about this test's world, as `npm run demo` serves them about its own.
      graphiql: createGraphiQLHandler({
        assetsDir,
        exampleTabs: exampleTabs({
          indexRef: walkthrough.indexRef,
          platformRef: walkthrough.platformRef,
          platform: 'linux/amd64',
          identityRegexp: WALKTHROUGH_POLICY.certificateIdentityRegexp,
          wrongIdentityRegexp: '^https://github.com/acme/ap/',
          issuer: WALKTHROUGH_POLICY.certificateOidcIssuer,
          wrongIssuer: 'https://accounts.google.com',
        }),
      }),
    });
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await walkthrough?.stop();
    if (assetsDir !== undefined) await rm(assetsDir, { recursive: true, force: true });
  });

  const expected: Readonly<Record<string, string>> = {
    VerifyIndex: '"status": "VERIFIED"',
    VerifyPlatformDigest: '"status": "UNSIGNED"',
    WrongIssuer: '"code": "ISSUER_MISMATCH"',
    WrongIdentity: '"code": "IDENTITY_MISMATCH"',
    PlatformViaIndex: '"status": "VERIFIED_VIA_INDEX"',
  };

  it("answers every tab it switches to and runs at once, never with another tab's operation name", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const sent: string[] = [];
    page.on('request', (request) => {
      const body = request.postData() ?? '';
      if (request.method() === 'POST' && !body.includes('IntrospectionQuery')) sent.push(body);
    });
    await page.goto(`${service.url}/graphql`);
    await page.locator('.graphiql-container').waitFor({ timeout: 15_000 });
    const tabs = page.locator('.graphiql-tab');
    await expect.poll(() => tabs.allInnerTexts()).toEqual(Object.keys(expected));
    const execute = page.getByRole('button', { name: /Execute query/ });
    const result = page.locator('section[aria-label="Result Window"]');
    // Back and forth, so each switch leaves a different previous tab behind; every Run follows its
    // tab click with no pause, well inside GraphiQL's 100 ms debounce.
    const order = [
      'PlatformViaIndex',
      'VerifyIndex',
      'PlatformViaIndex',
      'WrongIssuer',
      'VerifyPlatformDigest',
      'PlatformViaIndex',
      'WrongIdentity',
      'VerifyIndex',
    ];
    for (const title of order) {
      await page.locator('.graphiql-tab', { hasText: title }).click();
      await execute.click();
      await expect.poll(() => result.innerText(), { timeout: 15_000 }).toContain(expected[title] ?? '?');
      expect(await result.innerText()).not.toContain('Unknown operation');
    }
    // What went over the wire: each request named the operation its own query defines.
    expect(sent).toHaveLength(order.length);
    for (const [i, body] of sent.entries()) {
      const { query, operationName } = JSON.parse(body) as { query: string; operationName: string };
      expect(operationName).toBe(order[i]);
      expect(query).toContain(`query ${order[i]}(`);
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'graphiql-hurried.png') });
    await page.close();
  });
});
