import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { MAX_REPLAY_BODY_BYTES, ResponseCache } from './response-cache.js';

const cache = new ResponseCache({ maxEntries: 10, maxBytes: 1 << 20, maxAgeMs: 30_000, generation: () => 0 });
const BODY = Buffer.from('{"query":"{ __typename }"}');

function request(method: string, headers: Record<string, string>): IncomingMessage {
  return { method, headers } as unknown as IncomingMessage;
}

describe('which requests may be answered by replay', () => {
  it('keys POSTs with a JSON body by query string, content type, Accept and the exact body bytes', () => {
    const req = request('POST', { 'content-type': 'application/json', accept: 'application/json' });
    const key = cache.keyFor(req, BODY, '');
    expect(key).toBeDefined();
    expect(cache.keyFor(req, BODY, '')).toBe(key);
    expect(cache.keyFor(req, Buffer.from('{"query": "{ __typename }"}'), '')).not.toBe(key);
    expect(cache.keyFor(req, BODY, '?x=1')).not.toBe(key);
    const otherAccept = request('POST', {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
    });
    expect(cache.keyFor(otherAccept, BODY, '')).not.toBe(key);
    const charset = request('POST', { 'content-type': 'application/json; charset=utf-8' });
    expect(cache.keyFor(charset, BODY, '')).not.toBe(key);
  });

  it('keys bodies that differ only in bytes a UTF-8 decoder would replace as different requests', () => {
    const req = request('POST', { 'content-type': 'application/json' });
    const a = cache.keyFor(req, Buffer.from([0x7b, 0xff, 0x7d]), '');
    const b = cache.keyFor(req, Buffer.from([0x7b, 0xfe, 0x7d]), '');
    expect(a).not.toBe(b);
  });

  it('always executes GETs, other content types, empty bodies and large bodies', () => {
    expect(cache.keyFor(request('GET', { 'content-type': 'application/json' }), BODY, '')).toBeUndefined();
    expect(cache.keyFor(request('POST', { 'content-type': 'text/plain' }), BODY, '')).toBeUndefined();
    expect(
      cache.keyFor(request('POST', { 'content-type': 'application/vnd.x+json' }), BODY, ''),
    ).toBeUndefined();
    expect(cache.keyFor(request('POST', {}), BODY, '')).toBeUndefined();
    const json = request('POST', { 'content-type': 'application/json' });
    expect(cache.keyFor(json, Buffer.alloc(0), '')).toBeUndefined();
    expect(cache.keyFor(json, Buffer.alloc(MAX_REPLAY_BODY_BYTES + 1, 0x20), '')).toBeUndefined();
  });
});
