import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRUST_VIEW_CSP } from '../../src/trust-view/index.js';
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
const TOKEN = 'trust-view-token-0123456789';

/**
 * The trust picture as a person uses it: real Chromium, the real service (caller tokens on), a real
 * registry with a signed four-platform index from the test Sigstore. The question is in the URL.
 */
describe('the trust picture in a real browser', () => {
  let walkthrough: Walkthrough;
  let service: TestService;
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    walkthrough = await startWalkthrough();
    service = await startTestService({
      insecureRegistries: [walkthrough.registry.host],
      config: {
        apiTokens: [TOKEN],
        verification: { trustedRootPath: walkthrough.trustedRootPath, maxSignaturesPerDigest: 1000 },
      },
    });
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await walkthrough?.stop();
  });

  function link(image: string, policy: unknown): string {
    return `${service.url}/trust?${new URLSearchParams({ image, policy: JSON.stringify(policy) }).toString()}`;
  }

  /** A page with the token entered (as a person would, once per tab), recording CSP violations and foreign requests. */
  async function open(
    url: string,
    token: string | null = TOKEN,
  ): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
    const problems: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(`${service.url}/`) && !r.url().startsWith('data:'))
        problems.push(`foreign ${r.url()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().includes('401')) problems.push(`console ${m.text()}`);
    });
    if (token !== null) {
      await page.addInitScript((t) => {
        (
          globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }
        ).sessionStorage.setItem('imprimatur:trust-view:token', t);
      }, token);
    }
    await page.goto(url);
    return { page, problems };
  }

  it('draws the signed index and its four platforms with their verdicts and the signer, from the URL alone', async () => {
    const response = await fetch(`${service.url}/trust`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(TRUST_VIEW_CSP);
    expect(TRUST_VIEW_CSP).not.toContain('unsafe');
    expect(await response.text()).not.toMatch(/<script>|<style|style="/);

    const { page, problems } = await open(link(walkthrough.tagRef, WALKTHROUGH_POLICY));
    const index = page.locator('.node[data-kind="index"]');
    await index.waitFor({ timeout: 20_000 });
    expect(await index.getAttribute('data-status')).toBe('VERIFIED');
    expect(await index.innerText()).toContain(WORKFLOW_SAN);
    const platforms = page.locator('.node[data-kind="platform"]');
    expect(await platforms.count()).toBe(4);
    for (let i = 0; i < 4; i++) {
      expect(await platforms.nth(i).getAttribute('data-status')).toBe('VERIFIED_VIA_INDEX');
    }
    expect(await platforms.first().innerText()).toContain(
      `Trusted through the signed index ${walkthrough.indexDigest}`,
    );
    const signatures = page.locator('.node[data-kind="signature"]');
    expect(await signatures.count()).toBeGreaterThan(0);
    expect(await page.locator('#image').inputValue()).toBe(walkthrough.tagRef);
    await page.screenshot({ path: join(SCREENSHOTS, 'trust-view-verified.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows a wrong issuer FAILED with cosign's message and the identity really found", async () => {
    const { page, problems } = await open(
      link(walkthrough.indexRef, {
        ...WALKTHROUGH_POLICY,
        certificateOidcIssuer: 'https://accounts.google.com',
      }),
    );
    const index = page.locator('.node[data-kind="index"]');
    await index.waitFor({ timeout: 20_000 });
    expect(await index.getAttribute('data-status')).toBe('FAILED');
    const text = await index.innerText();
    expect(text).toContain(
      'ISSUER_MISMATCH: expected issuer value "https://accounts.google.com", got "https://token.actions.githubusercontent.com"',
    );
    expect(text).toContain(WORKFLOW_SAN);
    await page.screenshot({ path: join(SCREENSHOTS, 'trust-view-failed.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('asks a new question from the form and puts it in the URL, so the picture can be linked', async () => {
    const { page } = await open(`${service.url}/trust`);
    await page.locator('#image').fill(walkthrough.platformRef);
    await page.locator('#policy').fill(JSON.stringify(WALKTHROUGH_POLICY));
    await page.getByRole('button', { name: 'Show' }).click();
    const root = page.locator('.node[data-kind="manifest"]');
    await root.waitFor({ timeout: 20_000 });
    expect(await root.getAttribute('data-status')).toBe('UNSIGNED');
    expect(await root.innerText()).toContain('NO_SIGNATURES: no signatures found');
    const url = new URL(page.url());
    expect(url.searchParams.get('image')).toBe(walkthrough.platformRef);
    expect(JSON.parse(url.searchParams.get('policy') ?? 'null')).toEqual(WALKTHROUGH_POLICY);
    await page.close();
  });

  it('needs the caller token for the question, as the API does', async () => {
    const { page } = await open(link(walkthrough.indexRef, WALKTHROUGH_POLICY), null);
    await expect
      .poll(() => page.locator('#status').innerText(), { timeout: 15_000 })
      .toContain('UNAUTHENTICATED');
    expect(await page.locator('.node').count()).toBe(0);
    await page.close();
  });
});
