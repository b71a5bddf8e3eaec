import { describe, expect, it } from 'vitest';
import { PolicyError } from '../errors.js';
import { compilePolicy } from './compile-policy.js';

const KEYLESS = { certificateIdentity: 'a@example.com', certificateOidcIssuer: 'https://issuer.example' };

describe("a policy's trustRoot names", () => {
  it('accepts a few well-formed names, and none at all', () => {
    expect(() => compilePolicy({ ...KEYLESS, trustRoot: ['public-good', 'github'] })).not.toThrow();
    expect(() => compilePolicy(KEYLESS)).not.toThrow();
  });

  it.each([
    [[], /at least one/],
    [['github', 'github'], /twice/],
    [['GitHub'], /not a trust root name/],
    [Array.from({ length: 9 }, (_, i) => `r${i}`), /at most 8/],
  ])('refuses %j as INVALID_POLICY', (trustRoot, message) => {
    const compile = () => compilePolicy({ ...KEYLESS, trustRoot });
    expect(compile).toThrow(PolicyError);
    expect(compile).toThrow(message);
  });
});
