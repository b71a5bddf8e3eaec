import { describe, expect, it } from 'vitest';
import { SingleFlight } from './single-flight.js';

class Cancelled extends Error {}
const cancelled = (reason: unknown) => new Cancelled(String(reason));

/** A promise resolved or rejected from outside, to hold work in flight while callers join. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('single-flight', () => {
  it('runs the work once for concurrent callers of the same key and gives all of them its result', async () => {
    const flights = new SingleFlight<string>();
    const gate = deferred<string>();
    let runs = 0;
    const work = () => {
      runs += 1;
      return gate.promise;
    };
    const callers = Array.from({ length: 100 }, () => flights.run('k', undefined, work, cancelled));
    gate.resolve('answer');
    const results = await Promise.all(callers);
    expect(runs).toBe(1);
    expect(results.map((r) => r.value)).toEqual(Array(100).fill('answer'));
    expect(results.filter((r) => !r.joined)).toHaveLength(1);
    expect(flights.size).toBe(0);
  });

  it('runs separately for different keys', async () => {
    const flights = new SingleFlight<string>();
    let runs = 0;
    const work = async () => `run ${++runs}`;
    await Promise.all([
      flights.run('a', undefined, work, cancelled),
      flights.run('b', undefined, work, cancelled),
    ]);
    expect(runs).toBe(2);
  });

  it('remembers nothing once the work has settled', async () => {
    const flights = new SingleFlight<number>();
    let runs = 0;
    const work = async () => ++runs;
    expect((await flights.run('k', undefined, work, cancelled)).value).toBe(1);
    expect((await flights.run('k', undefined, work, cancelled)).value).toBe(2);
  });

  it('gives every waiting caller the same failure, and starts afresh afterwards', async () => {
    const flights = new SingleFlight<number>();
    const gate = deferred<number>();
    const first = flights.run('k', undefined, () => gate.promise, cancelled);
    const second = flights.run('k', undefined, () => Promise.resolve(2), cancelled);
    gate.reject(new Error('registry unavailable'));
    await expect(first).rejects.toThrow('registry unavailable');
    await expect(second).rejects.toThrow('registry unavailable');
    await expect(flights.run('k', undefined, async () => 3, cancelled)).resolves.toEqual({
      value: 3,
      joined: false,
    });
  });

  describe('when a caller cancels', () => {
    it('stops only that caller waiting; the others still get the result', async () => {
      const flights = new SingleFlight<string>();
      const gate = deferred<string>();
      const impatient = new AbortController();
      const starter = flights.run('k', undefined, () => gate.promise, cancelled);
      const joiner = flights.run('k', impatient.signal, () => gate.promise, cancelled);
      impatient.abort('gone');
      await expect(joiner).rejects.toBeInstanceOf(Cancelled);
      gate.resolve('answer');
      await expect(starter).resolves.toMatchObject({ value: 'answer' });
    });

    it('does not hand the starter’s cancellation to the others: they run the work again with their own', async () => {
      const flights = new SingleFlight<string>();
      const starter = new AbortController();
      let runs = 0;
      const work = (signal: AbortSignal | undefined) => () => {
        runs += 1;
        return new Promise<string>((resolve, reject) => {
          if (signal === undefined) return resolve('fresh answer');
          if (signal.aborted) return reject(new Cancelled('starter aborted'));
          signal.addEventListener('abort', () => reject(new Cancelled('starter aborted')));
        });
      };
      const first = flights.run('k', starter.signal, work(starter.signal), cancelled);
      const second = flights.run('k', undefined, work(undefined), cancelled);
      starter.abort('client went away');
      await expect(first).rejects.toBeInstanceOf(Cancelled);
      await expect(second).resolves.toEqual({ value: 'fresh answer', joined: false });
      expect(runs).toBe(2);
    });

    it('rejects at once when the signal is already aborted, without running anything', async () => {
      const flights = new SingleFlight<string>();
      let runs = 0;
      const done = flights.run('k', AbortSignal.abort('before'), async () => String(++runs), cancelled);
      await expect(done).rejects.toBeInstanceOf(Cancelled);
      expect(runs).toBe(0);
    });
  });
});
