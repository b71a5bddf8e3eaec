import { describe, expect, it } from 'vitest';
import { DiscoveryError } from './errors.js';
import { memoized, memoizedSync, payloadMemoKey, type PayloadMemo } from './payload-memo.js';

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

  it('keeps a parse failure and throws it again without reading', async () => {
    const memo = mapMemo();
    let reads = 0;
    const key = payloadMemoKey('x', REPO, 'sha256:1');
    const broken = () =>
      memoized(
        memo,
        key,
        () => 1,
        async () => {
          reads += 1;
          throw new DiscoveryError('MALFORMED_SIGNATURE', 'statement is not valid JSON');
        },
      );
    const first = await broken().catch((error: unknown) => error);
    expect(first).toMatchObject({ code: 'MALFORMED_SIGNATURE' });
    expect(await broken().catch((error: unknown) => error)).toBe(first);
    expect(reads).toBe(1);
  });

  it('keeps sync readings and their parse failures the same way', () => {
    const memo = mapMemo();
    let reads = 0;
    const ok = () =>
      memoizedSync(
        memo,
        'a',
        () => 1,
        () => ({ n: ++reads }),
      );
    expect(ok()).toBe(ok());
    const broken = () =>
      memoizedSync(
        memo,
        'b',
        () => 1,
        () => {
          reads += 1;
          throw new DiscoveryError('PAYLOAD_TOO_LARGE', 'in-toto statement is too large');
        },
      );
    expect(broken).toThrow('in-toto statement is too large');
    expect(broken).toThrow('in-toto statement is too large');
    expect(reads).toBe(2);
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
