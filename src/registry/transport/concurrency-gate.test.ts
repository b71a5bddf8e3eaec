import { describe, expect, it } from 'vitest';
import { RegistryError } from '../errors.js';
import { onAbort } from './abortable.js';
import { ConcurrencyGate, type Release } from './concurrency-gate.js';

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('ConcurrencyGate', () => {
  it('admits at most `limit` holders and the rest in arrival order', async () => {
    const gate = new ConcurrencyGate(2);
    const order: number[] = [];
    const holders = await Promise.all([gate.enter(undefined, 'a'), gate.enter(undefined, 'b')]);
    const waiting = [3, 4, 5].map((n) =>
      gate.enter(undefined, `w${n}`).then((release) => (order.push(n), release)),
    );
    await turn();
    expect(gate.inUse).toBe(2);
    expect(gate.waiting).toBe(3);
    holders[0]!();
    holders[0]!(); // a second call gives back nothing more
    await turn();
    expect(order).toEqual([3]);
    holders[1]!();
    await turn();
    expect(order).toEqual([3, 4]);
    for (const release of await Promise.all(waiting.slice(0, 2))) release();
    const last = await waiting[2]!;
    expect(order).toEqual([3, 4, 5]);
    last();
    expect(gate.idle).toBe(true);
  });

  it('takes a cancelled waiter out at once, and never hands it a slot', async () => {
    const gate = new ConcurrencyGate(1);
    const holder = await gate.enter(undefined, 'holder');
    const controller = new AbortController();
    const cancelled = gate.enter(controller.signal, 'cancelled');
    const next = gate.enter(undefined, 'next');
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'REGISTRY_ABORTED' });
    await expect(cancelled).rejects.toBeInstanceOf(RegistryError);
    holder();
    const release = await next;
    expect(gate.inUse).toBe(1);
    release();
    expect(gate.idle).toBe(true);
  });

  it('refuses at once when the signal has already fired', async () => {
    const gate = new ConcurrencyGate(1);
    await expect(gate.enter(AbortSignal.abort(), 'late')).rejects.toMatchObject({ code: 'REGISTRY_ABORTED' });
    expect(gate.idle).toBe(true);
  });

  it('hands queued slots over on later event-loop turns, not in one run of promise callbacks', async () => {
    const gate = new ConcurrencyGate(1);
    let release: Release = await gate.enter(undefined, 'first');
    const granted: number[] = [];
    const chain = Array.from({ length: 5 }, (_, n) =>
      gate.enter(undefined, `q${n}`).then((r) => {
        granted.push(n);
        r(); // gives its slot back at once, like a task that fails fast
      }),
    );
    release();
    release = () => undefined;
    // Microtasks alone do not get through the queue: each hand-over waits for the next turn.
    await Promise.resolve();
    await Promise.resolve();
    expect(granted.length).toBeLessThanOrEqual(1);
    await Promise.all(chain);
    expect(granted).toEqual([0, 1, 2, 3, 4]);
  });

  it('run gives its slot back whether the work resolves or throws', async () => {
    const gate = new ConcurrencyGate(1);
    expect(await gate.run(undefined, 'first', () => Promise.resolve(42))).toBe(42);
    expect(gate.inUse).toBe(0);
    await expect(gate.run(undefined, 'second', () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    expect(gate.idle).toBe(true);
    // A third caller is admitted at once: nothing was left holding the only slot.
    expect(await gate.run(undefined, 'third', () => Promise.resolve('ok'))).toBe('ok');
  });

  it('refuses a limit that would never admit anything', () => {
    expect(() => new ConcurrencyGate(0)).toThrow(RangeError);
  });
});

describe('onAbort', () => {
  it('puts one listener on a signal however many waits share it, and calls only those still waiting', () => {
    const controller = new AbortController();
    let added = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<typeof add>) => {
      added += 1;
      add(...args);
    }) as typeof add;
    const calls: number[] = [];
    const stops = Array.from({ length: 1000 }, (_, n) => onAbort(controller.signal, () => calls.push(n)));
    for (const stop of stops.slice(0, 998)) stop();
    controller.abort();
    expect(added).toBe(1);
    expect(calls).toEqual([998, 999]);
  });
});
