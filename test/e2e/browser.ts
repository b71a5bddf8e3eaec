import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * The Debian `chromium` package, driven by playwright-core: a real browser from the distribution,
 * never one downloaded at test time. `IMPRIMATUR_CHROMIUM` points elsewhere when needed.
 */
export const CHROMIUM_PATH = process.env.IMPRIMATUR_CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches Chromium, or fails with what to do about it. A missing browser is a broken test setup,
 * not a reason to skip: skipping would let the page break unnoticed.
 */
export async function launchChromium(executablePath: string = CHROMIUM_PATH): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}. The GraphiQL end-to-end test needs a real browser: run ` +
        '"bash scripts/test-deps.sh" (npm test runs it as pretest) or "apt-get install chromium", ' +
        'or set IMPRIMATUR_CHROMIUM to a Chromium binary.',
    );
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}
