import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { withDeadline } from './request-deadline.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('withDeadline', () => {
  it('fires at the deadline, across garbage collections and for signals derived from it, with a TimeoutError', async () => {
    const client = new AbortController();
    const signal = withDeadline(client.signal, 50);
    // Derived as signature discovery derives its own; only these signals are held, as by a request.
    const derived = AbortSignal.any([signal, new AbortController().signal]);
    let heard = false;
    derived.addEventListener('abort', () => (heard = true));
    gc();
    await wait(20);
    gc();
    await wait(100);
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).name).toBe('TimeoutError');
    expect(heard).toBe(true);
  });

  it('fires when the client leaves, with the client’s reason', () => {
    const client = new AbortController();
    const signal = withDeadline(client.signal, 60_000);
    client.abort(new Error('gone'));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('gone');
  });

  it('is aborted at once for a client that already left', () => {
    expect(withDeadline(AbortSignal.abort(), 60_000).aborted).toBe(true);
  });
});
