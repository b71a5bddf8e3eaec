import { describe, expect, it } from 'vitest';
import { memoized, payloadMemoKey, type PayloadMemo } from './payload-memo.js';

/** The simplest memo; the real one (bounded, weighed) is src/cache/content-memo.ts. */
function mapMemo(): PayloadMemo {
  const kept = new Map<string, unknown>();
  return { peek: (key) => kept.get(key), keep: (key, value) => void kept.set(key, value) };
}

const REPO = { registry: 'r.example', repository: 'a/b' };

describe('memoized payload reads', () => {
  it('reads once and hands the same value to later reads of the same key', async () => {
    const memo = mapMemo();
    let reads = 0;
    const read = () =>
      memoized(
        memo,
        payloadMemoKey('x', REPO, 'sha256:1', 7),
        () => 10,
        async () => ({ n: ++reads }),
      );
    const first = await read();
    expect(await read()).toBe(first);
    expect(reads).toBe(1);
  });

  it('keys on the repository and every input of the reading', () => {
    const keys = new Set([
      payloadMemoKey('x', REPO, 'sha256:1', 7),
      payloadMemoKey('x', { ...REPO, repository: 'a/c' }, 'sha256:1', 7),
      payloadMemoKey('x', REPO, 'sha256:2', 7),
      payloadMemoKey('x', REPO, 'sha256:1', 8),
      payloadMemoKey('y', REPO, 'sha256:1', 7),
      // No separator tricks: JSON-encoded parts.
      payloadMemoKey('x', { registry: 'r.example', repository: 'a/b", "sha256:1' }, '7'),
    ]);
    expect(keys.size).toBe(6);
  });

  it('does not keep a problem, a failure, or anything without a memo', async () => {
    const memo = mapMemo();
    let reads = 0;
    const key = payloadMemoKey('x', REPO, 'sha256:1');
    const problem = () =>
      memoized(
        memo,
        key,
        () => 1,
        async () => (++reads, { problem: { code: 'BLOB_UNKNOWN' } }),
      );
    await problem();
    await problem();
    expect(reads).toBe(2);
    const failing = () =>
      memoized(
        memo,
        key,
        () => 1,
        async () => {
          reads += 1;
          throw new Error('registry down');
        },
      );
    await expect(failing()).rejects.toThrow('registry down');
    await expect(failing()).rejects.toThrow('registry down');
    expect(reads).toBe(4);
    const none = () =>
      memoized(
        undefined,
        key,
        () => 1,
        async () => ({ n: ++reads }),
      );
    await none();
    await none();
    expect(reads).toBe(6);
  });
});
