import { describe, expect, it } from 'vitest';
import {
  compileConditions,
  conditionPoolState,
  CONDITION_WORKERS,
  evaluateConditions,
  evaluateConditionsWithin,
  MAX_CONDITION_INPUT_BYTES,
} from './index.js';

const bytes = (value: unknown) => new Uint8Array(Buffer.from(JSON.stringify(value)));
const small = bytes({
  predicateType: 'https://slsa.dev/provenance/v1',
  subject: [{ name: 'app', digest: { sha256: 'ab'.repeat(32) } }],
  predicate: { ref: 'refs/heads/main' },
});

/**
 * The largest statement conditions run over, one string of random a/b filling it: what makes an
 * accepted `matches()` slowest (RE2's automaton cannot skip ahead, every position is a live state).
 */
let largest: Uint8Array | undefined;
function largestStatement(): Uint8Array {
  if (largest !== undefined) return largest;
  const room = MAX_CONDITION_INPUT_BYTES - 200;
  let s = '';
  let x = 2463534242; // xorshift32: the same pseudo-random string on every run
  for (let i = 0; i < room; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    s += x & 1 ? 'a' : 'b';
  }
  const payload = bytes({ predicateType: 'x', subject: [], predicate: { s } });
  expect(payload.byteLength).toBeLessThanOrEqual(MAX_CONDITION_INPUT_BYTES);
  largest = payload;
  return payload;
}
/** An accepted pattern (~400 RE2 instructions) that never matches that string: one scan took 2.2 s here. */
const SLOW = 'predicate.s.matches("[ab]*a[ab]{400}[^ab]")';

describe('conditions evaluated in a worker under a deadline', () => {
  it('answers what evaluating in-thread answers', async () => {
    const conditions = compileConditions([
      'predicate.ref == "refs/heads/main"',
      'subject.exists(s, s.name == "db")',
      'predicate.ref.matches("^refs/tags/")',
    ]);
    const inWorker = await evaluateConditionsWithin(conditions, small);
    expect(inWorker).toEqual(evaluateConditions(conditions, small));
    expect(inWorker.map((i) => i.message)).toEqual([
      'condition "subject.exists(s, s.name == \\"db\\")" is false',
      'condition "predicate.ref.matches(\\"^refs/tags/\\")" is false',
    ]);
  });

  it('runs conditions over a 30 000-component SBOM at the input cap, within the deadline and the heap', async () => {
    // Dense small objects, ~4.1 MB: what the 128 MiB worker heap must parse and bind whole.
    const components = Array.from({ length: 30_000 }, (_, n) => ({
      type: 'library',
      name: `lib-${n}`,
      version: `1.${n}`,
      purl: `pkg:deb/debian/lib-${n}@1.${n}`,
      licenses: [{ license: { id: 'MIT' } }],
    }));
    const sbom = bytes({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [],
      predicateType: 'https://cyclonedx.org/bom',
      predicate: { bomFormat: 'CycloneDX', specVersion: '1.6', components },
    });
    expect(sbom.byteLength).toBeGreaterThan(4_000_000);
    expect(sbom.byteLength).toBeLessThanOrEqual(MAX_CONDITION_INPUT_BYTES);
    const conditions = compileConditions([
      'predicate.components.exists(c, c.name == "lib-29999")',
      '!predicate.components.exists(c, c.name.startsWith("log4j"))',
      'predicate.components.all(c, c.purl.startsWith("pkg:npm/"))',
    ]);
    expect(await evaluateConditionsWithin(conditions, sbom)).toEqual([
      {
        code: 'CONDITION_FAILED',
        message: 'condition "predicate.components.all(c, c.purl.startsWith(\\"pkg:npm/\\"))" is false',
      },
    ]);
  });

  it('stops an accepted but slow policy at the deadline, naming the running expression and the limit', async () => {
    const conditions = compileConditions(['predicateType == "x"', SLOW, SLOW.replace('400', '399'), 'true']);
    const started = performance.now();
    const issues = await evaluateConditionsWithin(conditions, largestStatement(), { timeoutMs: 200 });
    const elapsed = performance.now() - started;
    expect(issues).toEqual([
      {
        code: 'CONDITION_NOT_EVALUATED',
        message: `condition ${JSON.stringify(SLOW)} did not finish within the 200 ms evaluation limit`,
      },
      {
        code: 'CONDITION_NOT_EVALUATED',
        message: expect.stringMatching(
          /^condition ".*399.*" was not evaluated: the evaluation was stopped at /,
        ),
      },
      {
        code: 'CONDITION_NOT_EVALUATED',
        message: `condition "true" was not evaluated: the evaluation was stopped at ${JSON.stringify(SLOW)}`,
      },
    ]);
    // Not a speed assertion: the uncut work is two scans of seconds each; this only shows it was cut.
    expect(elapsed).toBeLessThan(4_000);
  });

  it('bounds the queue: a full one, or a wait past its limit, is not evaluated rather than queued without end', async () => {
    // Both workers busy with a slow policy for up to 1.5 s each.
    const slow = Array.from({ length: CONDITION_WORKERS }, () =>
      evaluateConditionsWithin(compileConditions([SLOW]), largestStatement(), { timeoutMs: 1_500 }),
    );
    const waited = evaluateConditionsWithin(compileConditions(['true']), small, {
      maxQueued: 1,
      maxWaitMs: 200,
    });
    const refused = await evaluateConditionsWithin(compileConditions(['true', 'false']), small, {
      maxQueued: 1,
    });
    expect(refused).toEqual(
      ['true', 'false'].map((text) => ({
        code: 'CONDITION_NOT_EVALUATED',
        message: `condition ${JSON.stringify(text)} was not evaluated: all ${CONDITION_WORKERS} evaluators are busy and 1 evaluations wait`,
      })),
    );
    expect(await waited).toEqual([
      {
        code: 'CONDITION_NOT_EVALUATED',
        message: 'condition "true" was not evaluated: no evaluator was free within 200 ms',
      },
    ]);
    expect(conditionPoolState().queued).toBe(0);
    await Promise.all(slow);
  });

  it('keeps answering after a worker was stopped, within its bound on threads', async () => {
    await evaluateConditionsWithin(compileConditions([SLOW]), largestStatement(), { timeoutMs: 50 });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        evaluateConditionsWithin(compileConditions(['predicate.ref == "refs/heads/main"']), small),
      ),
    );
    expect(answers).toEqual(Array.from({ length: 20 }, () => []));
    expect(conditionPoolState().workers).toBeLessThanOrEqual(CONDITION_WORKERS);
    expect(conditionPoolState().queued).toBe(0);
  });

  it('stops at once when cancelled, running or waiting, and rejects with the reason', async () => {
    const slow = compileConditions([SLOW]);
    const payload = largestStatement();
    const controller = new AbortController();
    // More slow tasks than workers: some run, the rest wait; one abort stops all of them.
    const pending = Array.from({ length: CONDITION_WORKERS + 2 }, () =>
      evaluateConditionsWithin(slow, payload, { timeoutMs: 60_000, signal: controller.signal }),
    );
    setTimeout(() => controller.abort(new Error('request cancelled')), 50);
    const results = await Promise.allSettled(pending);
    expect(results.map((r) => r.status)).toEqual(pending.map(() => 'rejected'));
    expect(results[0]).toMatchObject({ reason: { message: 'request cancelled' } });
    expect(conditionPoolState().queued).toBe(0);
    // And the pool still answers.
    expect(await evaluateConditionsWithin(compileConditions(['true']), small)).toEqual([]);
  });

  it('stops an accepted policy that builds more than the worker’s heap, and keeps answering', async () => {
    // 55 copies of a 250 KB string, each concatenated 55 times and flattened by matches(): ~750 MB
    // if it ran to the end. Every rule is kept (805 characters, under 256 nodes, one comprehension).
    const k = 55;
    const copies = Array.from({ length: k }, () => 'predicate.s').join(',');
    const text = `[${copies}].map(x, ${Array.from({ length: k }, () => 'x').join('+')}).exists(y, y.matches("z"))`;
    const payload = bytes({ predicateType: 'x', subject: [], predicate: { s: 'a'.repeat(250_000) } });
    const issues = await evaluateConditionsWithin(compileConditions([text]), payload, { timeoutMs: 30_000 });
    expect(issues).toEqual([
      {
        code: 'CONDITION_NOT_EVALUATED',
        message: expect.stringMatching(/stopped the evaluator \(.*memory limit.*\)$/),
      },
    ]);
    expect(issues[0]?.message.startsWith(`condition ${JSON.stringify(text)} `)).toBe(true);
    expect(await evaluateConditionsWithin(compileConditions(['true']), small)).toEqual([]);
  });

  it('names no expression when the deadline comes while the statement is still being read', async () => {
    const texts = ['predicateType == "x"', 'true'];
    // A 4 MiB statement cannot be copied and parsed in 1 ms: the stop comes before any expression.
    expect(
      await evaluateConditionsWithin(compileConditions(texts), largestStatement(), { timeoutMs: 1 }),
    ).toEqual(
      texts.map((text) => ({
        code: 'CONDITION_NOT_EVALUATED',
        message: `condition ${JSON.stringify(text)} was not evaluated: reading the statement did not finish within the 1 ms evaluation limit`,
      })),
    );
  });

  it('does not copy a statement over the input cap to a worker', async () => {
    const huge = new Uint8Array(MAX_CONDITION_INPUT_BYTES + 1);
    expect(await evaluateConditionsWithin(compileConditions(['true']), huge)).toEqual([
      {
        code: 'CONDITION_NOT_EVALUATED',
        message: expect.stringMatching(
          new RegExp(
            `^conditions not evaluated: .* ${MAX_CONDITION_INPUT_BYTES + 1} bytes, more than the ${MAX_CONDITION_INPUT_BYTES}`,
          ),
        ),
      },
    ]);
  });
});
