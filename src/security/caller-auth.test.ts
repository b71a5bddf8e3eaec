import { describe, expect, it } from 'vitest';
import { CallerAuthenticator } from './caller-auth.js';

describe('CallerAuthenticator', () => {
  it('lets everyone through when no token is configured', () => {
    const open = new CallerAuthenticator([]);
    expect(open.enabled).toBe(false);
    expect(open.accepts(undefined)).toBe(true);
  });

  it('accepts exactly the configured tokens, with the scheme in any case', () => {
    const auth = new CallerAuthenticator(['first-token-0123456789', 'second-token-0123456789']);
    expect(auth.accepts('Bearer first-token-0123456789')).toBe(true);
    expect(auth.accepts('bearer second-token-0123456789')).toBe(true);
    expect(auth.accepts('Bearer first-token-012345678')).toBe(false);
    expect(auth.accepts('Bearer first-token-0123456789 extra')).toBe(false);
    expect(auth.accepts('Bearer ')).toBe(false);
    expect(auth.accepts(undefined)).toBe(false);
  });
});
