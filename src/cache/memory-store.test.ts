import { describe, expect, it } from 'vitest';
import { BoundedMemoryStore } from './memory-store.js';

/** Bytes an entry costs: UTF-16, key and value. */
const cost = (key: string, value: string) => 2 * (key.length + value.length);

describe('the bounded memory store', () => {
  it('gives back what was stored', () => {
    const store = new BoundedMemoryStore({ maxEntries: 10, maxBytes: 10_000 });
    store.set('k', 'value');
    expect(store.get('k')).toBe('value');
    expect(store.size).toEqual({ entries: 1, bytes: cost('k', 'value') });
  });

  describe('when more entries are stored than allowed', () => {
    it('evicts the least recently used, where reading counts as use', () => {
      const store = new BoundedMemoryStore({ maxEntries: 3, maxBytes: 10_000 });
      store.set('a', '1');
      store.set('b', '2');
      store.set('c', '3');
      expect(store.get('a')).toBe('1'); // a is now the most recently used
      store.set('d', '4');
      expect(store.get('b')).toBeUndefined();
      expect([store.get('a'), store.get('c'), store.get('d')]).toEqual(['1', '3', '4']);
      expect(store.size.entries).toBe(3);
    });
  });

  describe('when the stored bytes exceed the budget', () => {
    it('evicts least recently used entries until the total fits again', () => {
      const value = 'x'.repeat(99); // 2 * (1 + 99) = 200 bytes per entry
      const store = new BoundedMemoryStore({ maxEntries: 1_000, maxBytes: 1_000 });
      for (const key of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) store.set(key, value);
      expect(store.size).toEqual({ entries: 5, bytes: 1_000 });
      expect(store.get('a')).toBeUndefined();
      expect(store.get('b')).toBeUndefined();
      expect(store.get('g')).toBe(value);
    });

    it('stays within its bounds under a long stream of writes', () => {
      const store = new BoundedMemoryStore({ maxEntries: 50, maxBytes: 20_000 });
      for (let i = 0; i < 5_000; i++) store.set(`key-${i}`, 'v'.repeat(i % 900));
      expect(store.size.entries).toBeLessThanOrEqual(50);
      expect(store.size.bytes).toBeLessThanOrEqual(20_000);
    });
  });

  it('does not keep a single value larger than a quarter of the byte budget', () => {
    const store = new BoundedMemoryStore({ maxEntries: 10, maxBytes: 1_000 });
    store.set('small', 'ok');
    expect(store.set('big', 'x'.repeat(200))).toBe(false);
    expect(store.get('big')).toBeUndefined();
    expect(store.get('small')).toBe('ok');
  });

  it('replaces an entry written twice without counting it twice', () => {
    const store = new BoundedMemoryStore({ maxEntries: 10, maxBytes: 10_000 });
    store.set('k', 'first');
    store.set('k', 'second!');
    expect(store.get('k')).toBe('second!');
    expect(store.size).toEqual({ entries: 1, bytes: cost('k', 'second!') });
  });

  it('forgets an entry once its TTL has passed', () => {
    let now = 1_000;
    const store = new BoundedMemoryStore({ maxEntries: 10, maxBytes: 10_000 }, () => now);
    store.set('k', 'v', 500);
    now = 1_499;
    expect(store.get('k')).toBe('v');
    now = 1_500;
    expect(store.get('k')).toBeUndefined();
    expect(store.size).toEqual({ entries: 0, bytes: 0 });
  });

  it('deletes and clears', () => {
    const store = new BoundedMemoryStore({ maxEntries: 10, maxBytes: 10_000 });
    store.set('a', '1');
    store.set('b', '2');
    expect(store.delete('a')).toBe(true);
    expect(store.delete('a')).toBe(false);
    store.clear();
    expect(store.get('b')).toBeUndefined();
    expect(store.size).toEqual({ entries: 0, bytes: 0 });
  });

  it('refuses limits that could never hold anything', () => {
    expect(() => new BoundedMemoryStore({ maxEntries: 0, maxBytes: 10 })).toThrow(RangeError);
  });
});
