import { describe, expect, it } from 'vitest';
import { StoredAnswers, type StoredAnswer } from './stored-answers.js';

function answer(overrides: Partial<StoredAnswer> = {}): StoredAnswer {
  return {
    headers: [['content-type', 'application/json; charset=utf-8']],
    bodyBeforeTraceId: '{"data":{"ok":true},"extensions":{"traceId":"',
    bodyAfterTraceId: '"}}\n',
    expiresAt: 1_000,
    generation: 0,
    operation: { type: 'query', name: undefined },
    ...overrides,
  };
}

describe('the stored answers', () => {
  it('gives an answer back until it expires, then drops it', () => {
    let now = 0;
    const answers = new StoredAnswers({ maxEntries: 10, maxBytes: 1 << 20 }, () => now);
    expect(answers.set('k', answer())).toBe(true);
    now = 999;
    expect(answers.get('k', 0)).toEqual(answer());
    now = 1_000;
    expect(answers.get('k', 0)).toBeUndefined();
    expect(answers.size).toBe(0);
  });

  it('does not give back an answer computed under another generation of the process state', () => {
    const answers = new StoredAnswers({ maxEntries: 10, maxBytes: 1 << 20 }, () => 0);
    answers.set('k', answer({ generation: 3 }));
    expect(answers.get('k', 4)).toBeUndefined();
    // and it is gone, not kept for a return to the old generation
    expect(answers.get('k', 3)).toBeUndefined();
  });

  it('refuses an answer that has already expired', () => {
    const answers = new StoredAnswers({ maxEntries: 10, maxBytes: 1 << 20 }, () => 5_000);
    expect(answers.set('k', answer({ expiresAt: 5_000 }))).toBe(false);
    expect(answers.size).toBe(0);
  });

  it('is bounded by entries, evicting the least recently used', () => {
    const answers = new StoredAnswers({ maxEntries: 2, maxBytes: 1 << 20 }, () => 0);
    answers.set('a', answer());
    answers.set('b', answer());
    answers.get('a', 0);
    answers.set('c', answer());
    expect(answers.get('b', 0)).toBeUndefined();
    expect(answers.get('a', 0)).toBeDefined();
    expect(answers.get('c', 0)).toBeDefined();
  });

  it('is bounded by bytes, and will not keep one answer larger than a sixteenth of them', () => {
    const answers = new StoredAnswers({ maxEntries: 1_000, maxBytes: 64 * 1024 }, () => 0);
    const big = answer({ bodyBeforeTraceId: 'x'.repeat(3 * 1024) });
    for (let n = 0; n < 100; n += 1) answers.set(`k${n}`, big);
    expect(answers.size).toBeLessThanOrEqual(10);
    expect(answers.set('huge', answer({ bodyBeforeTraceId: 'x'.repeat(4 * 1024) }))).toBe(false);
  });
});
