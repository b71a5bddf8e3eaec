import { describe, expect, it } from 'vitest';
import { launchChromium } from './browser.js';

describe('launching the test browser', () => {
  it('fails, not skips, without Chromium, and says how to install it', async () => {
    await expect(launchChromium('/nonexistent/chromium')).rejects.toThrow(
      /Chromium not found at \/nonexistent\/chromium.*apt-get install chromium/,
    );
  });
});
