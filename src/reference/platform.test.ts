import { describe, expect, it } from 'vitest';
import { formatPlatform, parsePlatform, platformMatches, ReferenceError } from './index.js';

describe('parsePlatform', () => {
  it('reads os/architecture and fills the default arm variants', () => {
    expect(parsePlatform('linux/amd64')).toEqual({ os: 'linux', architecture: 'amd64', variant: undefined });
    expect(parsePlatform('linux/arm64')).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(parsePlatform('linux/arm')).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' });
    expect(parsePlatform('linux/arm/v6')).toEqual({ os: 'linux', architecture: 'arm', variant: 'v6' });
  });

  it('maps uname and Debian architecture names to the published ones', () => {
    expect(parsePlatform('linux/x86_64').architecture).toBe('amd64');
    expect(parsePlatform('linux/aarch64')).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(parsePlatform('linux/armhf')).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' });
  });

  it.each(['linux', 'linux/', '/amd64', 'linux/arm/v7/extra', 'linux/am d64', 'x'.repeat(200)])(
    'rejects %j as INVALID_REFERENCE',
    (input) => {
      expect(() => parsePlatform(input)).toThrow(ReferenceError);
    },
  );
});

describe('platformMatches', () => {
  it('matches linux/arm64 with and without the v8 variant', () => {
    const wanted = parsePlatform('linux/arm64');
    expect(platformMatches(wanted, { os: 'linux', architecture: 'arm64' })).toBe(true);
    expect(platformMatches(wanted, { os: 'linux', architecture: 'arm64', variant: 'v8' })).toBe(true);
  });

  it('tells arm variants apart', () => {
    expect(
      platformMatches(parsePlatform('linux/arm/v7'), { os: 'linux', architecture: 'arm', variant: 'v6' }),
    ).toBe(false);
    expect(
      platformMatches(parsePlatform('linux/arm/v7'), { os: 'linux', architecture: 'arm', variant: 'v7' }),
    ).toBe(true);
  });

  it('does not match another architecture or os', () => {
    expect(platformMatches(parsePlatform('linux/amd64'), { os: 'linux', architecture: 'arm64' })).toBe(false);
    expect(platformMatches(parsePlatform('windows/amd64'), { os: 'linux', architecture: 'amd64' })).toBe(
      false,
    );
  });

  describe('when the entry is a buildx attestation (unknown/unknown)', () => {
    it('never matches, even when unknown/unknown is asked for', () => {
      expect(
        platformMatches(parsePlatform('unknown/unknown'), { os: 'unknown', architecture: 'unknown' }),
      ).toBe(false);
    });
  });

  it('never matches an entry without a platform', () => {
    expect(platformMatches(parsePlatform('linux/amd64'), undefined)).toBe(false);
  });

  it('formats a platform for messages', () => {
    expect(formatPlatform({ os: 'linux', architecture: 'arm', variant: 'v7' })).toBe('linux/arm/v7');
    expect(formatPlatform({ os: 'linux', architecture: 'amd64' })).toBe('linux/amd64');
  });
});
