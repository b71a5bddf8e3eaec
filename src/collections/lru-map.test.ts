import { describe, expect, it } from 'vitest';
import { LruMap } from './lru-map.js';

describe('LruMap', () => {
  it('evicts the least recently used entry beyond its entry bound', () => {
    const map = new LruMap<string, number>({ maxEntries: 2 });
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1); // a is now the most recently used
    map.set('c', 3);
    expect(map.get('b')).toBeUndefined();
    expect(map.get('a')).toBe(1);
    expect(map.get('c')).toBe(3);
    expect(map.size).toBe(2);
  });

  it('keeps the total weight within its bound, and replacing an entry does not count it twice', () => {
    const map = new LruMap<string, string>({ maxEntries: 100, weigh: (_k, v) => v.length, maxWeight: 10 });
    map.set('a', '12345');
    map.set('a', '12345');
    map.set('b', '12345');
    expect(map.size).toBe(2);
    map.set('c', '1');
    expect(map.get('a')).toBeUndefined();
    expect(map.get('b')).toBe('12345');
    expect(map.get('c')).toBe('1');
  });

  it('refuses a bound below one entry', () => {
    expect(() => new LruMap({ maxEntries: 0 })).toThrow(RangeError);
  });
});
