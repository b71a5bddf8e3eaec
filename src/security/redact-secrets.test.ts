import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact-secrets.js';

describe('redactSecrets', () => {
  it.each([
    ['refused Authorization: Basic dXNlcjpwYXNz', 'refused Authorization: Basic [redacted]'],
    ['bad token (bearer abc.def-ghi_jkl)', 'bad token (bearer [redacted])'],
    ['token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln expired', 'token [redacted] expired'],
  ])('removes the credential from %j', (text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it('leaves ordinary registry messages alone', () => {
    const message = 'manifest unknown: tag v1 not found in basic/app';
    expect(redactSecrets(message)).toBe(message);
  });
});
