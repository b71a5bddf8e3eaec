import { describe, expect, it } from 'vitest';
import { DiscoveryError } from '../../discovery/index.js';
import { parseDsseEnvelope } from './dsse-envelope.js';

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const payload = Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}').toString('base64');

describe('parseDsseEnvelope', () => {
  it('decodes the payload and keeps each signature with its keyid', () => {
    const envelope = parseDsseEnvelope(
      bytes({ payloadType: 'application/vnd.in-toto+json', payload, signatures: [{ sig: 'c2ln' }] }),
      1 << 20,
    );
    expect(Buffer.from(envelope.payload).toString()).toBe('{"_type":"https://in-toto.io/Statement/v1"}');
    expect(envelope.signatures).toEqual([{ keyid: '', sig: 'c2ln' }]);
  });

  it.each([
    ['no payloadType', { payload, signatures: [{ sig: 'c2ln' }] }],
    [
      'a payload that is not canonical base64',
      { payloadType: 'x', payload: `${payload}!!`, signatures: [{ sig: 'c2ln' }] },
    ],
    ['no signatures', { payloadType: 'x', payload, signatures: [] }],
    ['a signature without sig', { payloadType: 'x', payload, signatures: [{ keyid: 'k' }] }],
  ])('refuses an envelope with %s', (_what, value) => {
    expect(() => parseDsseEnvelope(bytes(value), 1 << 20)).toThrow(DiscoveryError);
  });
});
