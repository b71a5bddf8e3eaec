import { describe, expect, it } from 'vitest';
import { destinationOf, matchesHost, parseHostPattern } from './host-pattern.js';

const to = (url: string) => destinationOf(new URL(url));

describe('host patterns', () => {
  it('match the host on the scheme default port when no port is written', () => {
    const pattern = parseHostPattern('GHCR.io');
    expect(matchesHost(pattern, to('https://ghcr.io/v2/'))).toBe(true);
    expect(matchesHost(pattern, to('https://ghcr.io:8443/v2/'))).toBe(false);
    expect(matchesHost(pattern, to('https://ghcr.io.evil.test/v2/'))).toBe(false);
  });

  it('match exactly the written port, so one listed port opens no other', () => {
    const pattern = parseHostPattern('127.0.0.1:5000');
    expect(matchesHost(pattern, to('http://127.0.0.1:5000/v2/'))).toBe(true);
    expect(matchesHost(pattern, to('http://127.0.0.1:6379/'))).toBe(false);
  });

  it('with a leading *. match names below the domain at any depth, not the domain itself', () => {
    const pattern = parseHostPattern('*.example.com');
    expect(matchesHost(pattern, to('https://registry.example.com/'))).toBe(true);
    expect(matchesHost(pattern, to('https://a.b.example.com/'))).toBe(true);
    expect(matchesHost(pattern, to('https://example.com/'))).toBe(false);
    expect(matchesHost(pattern, to('https://evilexample.com/'))).toBe(false);
  });

  it('read addresses the way the URL parser does, so other spellings match the same host', () => {
    expect(parseHostPattern('2130706433:5000').hostname).toBe('127.0.0.1');
    expect(parseHostPattern('[::FFFF:127.0.0.1]').hostname).toBe('::ffff:7f00:1');
    expect(matchesHost(parseHostPattern('[::1]:5000'), to('http://[::1]:5000/'))).toBe(true);
  });

  it.each([
    'http://ghcr.io',
    'ghcr.io/path',
    'user@ghcr.io',
    '*',
    '*.10.0.0.1',
    'a.*.com',
    'host:0',
    'host:70000',
    '',
  ])('refuse the malformed entry %j', (entry) => {
    expect(() => parseHostPattern(entry)).toThrow(expect.objectContaining({ code: 'INVALID_HOST_PATTERN' }));
  });
});
