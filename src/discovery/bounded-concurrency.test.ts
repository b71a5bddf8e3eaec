import { describe, expect, it } from 'vitest';
import { mapBounded } from './bounded-concurrency.js';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

describe('mapBounded', () => {
  it('never runs more than the limit at once and returns results in input order', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapBounded([...Array(20).keys()], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      running--;
      return n * 2;
    });
    expect(peak).toBe(3);
    expect(results).toEqual([...Array(20).keys()].map((n) => n * 2));
  });

  it('stops starting tasks after a failure and rethrows it', async () => {
    const started: number[] = [];
    const run = mapBounded([...Array(50).keys()], 2, async (n) => {
      started.push(n);
      await tick();
      if (n === 3) throw new Error('boom');
      return n;
    });
    await expect(run).rejects.toThrow('boom');
    expect(started.length).toBeLessThan(10);
  });

  it('returns an empty list for no items', async () => {
    expect(await mapBounded([], 4, async () => 1)).toEqual([]);
  });
});
