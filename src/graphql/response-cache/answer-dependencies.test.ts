import { describe, expect, it } from 'vitest';
import {
  AnswerDependencies,
  collectAnswerDependencies,
  currentAnswerDependencies,
} from './answer-dependencies.js';

const QUERY = { type: 'query', name: 'Verify' } as const;

describe('what an answer depended on', () => {
  it('is replayable until the earliest expiry among the cache hits it read, capped by the latest allowed', () => {
    const deps = new AnswerDependencies();
    deps.noteCacheRead(true, 5_000);
    deps.noteCacheRead(true, 2_000);
    deps.noteCacheRead(true, 9_000);
    deps.noteOperation(QUERY);
    expect(deps.reusableUntil(10_000)).toBe(2_000);
    expect(deps.reusableUntil(1_500)).toBe(1_500);
  });

  it('is not replayable after any cache miss, however many hits there were', () => {
    const deps = new AnswerDependencies();
    deps.noteCacheRead(true, 5_000);
    deps.noteCacheRead(false, undefined);
    deps.noteOperation(QUERY);
    expect(deps.reusableUntil(10_000)).toBeUndefined();
    expect(deps.notReusableBecause).toBe('cache-miss');
  });

  it('is not replayable when a hit came without an expiry, since nothing could bound the replay', () => {
    const deps = new AnswerDependencies();
    deps.noteCacheRead(true, undefined);
    deps.noteOperation(QUERY);
    expect(deps.notReusableBecause).toBe('no-expiry');
  });

  it('keeps the first reason it was refused for', () => {
    const deps = new AnswerDependencies();
    deps.refuse('upstream-request');
    deps.refuse('errors');
    expect(deps.notReusableBecause).toBe('upstream-request');
  });

  it('is not replayable until Apollo said which query it answered', () => {
    const deps = new AnswerDependencies();
    expect(deps.notReusableBecause).toBe('not-a-query');
    expect(deps.reusableUntil(10_000)).toBeUndefined();
    deps.noteOperation(QUERY);
    expect(deps.reusableUntil(10_000)).toBe(10_000);
  });

  it('is collected only inside its own execution, across awaits', async () => {
    const deps = new AnswerDependencies();
    expect(currentAnswerDependencies()).toBeUndefined();
    await collectAnswerDependencies(deps, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      currentAnswerDependencies()?.refuse('cache-miss');
    });
    expect(deps.notReusableBecause).toBe('cache-miss');
    expect(currentAnswerDependencies()).toBeUndefined();
  });

  it('keeps two concurrent executions apart', async () => {
    const a = new AnswerDependencies();
    const b = new AnswerDependencies();
    await Promise.all([
      collectAnswerDependencies(a, async () => {
        await new Promise((resolve) => setTimeout(resolve, 2));
        currentAnswerDependencies()?.noteCacheRead(true, 100);
        currentAnswerDependencies()?.noteOperation(QUERY);
      }),
      collectAnswerDependencies(b, async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        currentAnswerDependencies()?.refuse('upstream-request');
      }),
    ]);
    expect(a.reusableUntil(1_000)).toBe(100);
    expect(b.notReusableBecause).toBe('upstream-request');
  });
});
