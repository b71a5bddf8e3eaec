import { describe, expect, it } from 'vitest';
import { RegistryError } from '../errors.js';
import { parseTagListPage } from './parse-tag-list.js';

const page = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const parse = (body: Uint8Array) => parseTagListPage(body, 'tags of r/a');

describe('parseTagListPage', () => {
  it('returns the tags of a distribution answer in order', () => {
    expect(parse(page({ name: 'a', tags: ['v1', 'latest', 'sha256-ab.sig'] }))).toEqual([
      'v1',
      'latest',
      'sha256-ab.sig',
    ]);
  });

  it('reads an absent or null tags field as no tags', () => {
    expect(parse(page({ name: 'a' }))).toEqual([]);
    expect(parse(page({ name: 'a', tags: null }))).toEqual([]);
  });

  it('drops entries that could not be asked for as a tag', () => {
    const tags = [1, null, {}, '', '../../x', 'a/b', '.hidden', 'x'.repeat(129), 'ok\n', 'ok', 'v1.2_3-rc'];
    expect(parse(page({ name: 'a', tags }))).toEqual(['ok', 'v1.2_3-rc']);
  });

  it('refuses an answer that is not a JSON object with a tags array as a protocol error', () => {
    for (const body of [
      new TextEncoder().encode('<html>proxy error</html>'),
      new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]),
      page(['v1']),
      page('v1'),
      page(null),
      page({ tags: 'v1' }),
      page({ tags: { 0: 'v1' } }),
    ]) {
      expect(() => parse(body)).toThrow(RegistryError);
      try {
        parse(body);
      } catch (error) {
        expect((error as RegistryError).code).toBe('REGISTRY_PROTOCOL_ERROR');
      }
    }
  });
});
