import { describe, expect, it } from 'vitest';
import { platformFromConfig } from './config-platform.js';

const bytes = (value: unknown) =>
  new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

describe('platformFromConfig', () => {
  it('reads os, architecture, variant and the Windows fields', () => {
    expect(
      platformFromConfig(
        bytes({
          os: 'windows',
          architecture: 'amd64',
          'os.version': '10.0.20348.2113',
          'os.features': ['win32k'],
          config: {},
        }),
      ),
    ).toEqual({
      os: 'windows',
      architecture: 'amd64',
      'os.version': '10.0.20348.2113',
      'os.features': ['win32k'],
    });
    expect(platformFromConfig(bytes({ os: 'linux', architecture: 'arm', variant: 'v7' }))).toEqual({
      os: 'linux',
      architecture: 'arm',
      variant: 'v7',
    });
  });

  describe('when the blob is not a usable image config (it comes from a registry: untrusted)', () => {
    it.each([
      ['not JSON', bytes('{nope')],
      ['a JSON array', bytes([1, 2])],
      ['JSON null', bytes('null')],
      ['no architecture', bytes({ os: 'linux' })],
      ['a non-string os', bytes({ os: 7, architecture: 'amd64' })],
      ['an absurdly long os', bytes({ os: 'x'.repeat(1000), architecture: 'amd64' })],
      ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
    ])('gives no platform for %s', (_what, blob) => {
      expect(platformFromConfig(blob)).toBeUndefined();
    });

    it('drops malformed optional fields but keeps the platform', () => {
      expect(
        platformFromConfig(
          bytes({ os: 'linux', architecture: 'amd64', variant: 3, 'os.features': [1, 'sse4'] }),
        ),
      ).toEqual({
        os: 'linux',
        architecture: 'amd64',
        'os.features': ['sse4'],
      });
    });
  });
});
