import { celEnv, parse, plan } from '@bufbuild/cel';
import { describe, expect, it } from 'vitest';
import { compileConditions, evaluateConditions } from './index.js';
import { withLinearAccumulators } from './list-accumulator.js';

const bytes = (value: unknown) => new Uint8Array(Buffer.from(JSON.stringify(value)));
const doc = {
  predicateType: 'x',
  subject: [{ name: 'a' }, { name: 'b' }],
  predicate: { l: [1, 2, 3, 4], nested: [[1], [2, 3]] },
};

describe('map and filter evaluated with a linear accumulator', () => {
  const holding = [
    '[1, 2, 3].map(x, x * 2) == [2, 4, 6]',
    '[1, 2, 3, 4].filter(x, x % 2 == 0) == [2, 4]',
    '[1, 2, 3].map(x, x > 1, x * 10) == [20, 30]',
    'subject.map(s, s.name) == ["a", "b"]',
    'predicate.l.map(x, x).filter(y, y > 2.0) == [3.0, 4.0]',
    'predicate.nested.map(n, n) == [[1.0], [2.0, 3.0]]',
    '{"a": 1, "b": 2}.map(k, k + "!") == ["a!", "b!"]',
    '[1].map(x, x) + [2] == [1, 2]',
    'predicate.l.map(x, x) == predicate.l',
    '[].map(x, x) == []',
    '{"k": predicate.l.map(x, x * 2.0)}.k == [2.0, 4.0, 6.0, 8.0]',
    'size(predicate.l.filter(x, x > 9.0)) == 0',
    'predicate.l.exists_one(x, x == 2.0)',
  ];

  it('gives what @bufbuild/cel’s own expansion gives, for every shape', () => {
    const bindings = { statement: doc, predicate: doc.predicate, predicateType: 'x', subject: doc.subject };
    for (const text of holding) {
      // The reference: the stock environment, the expression as parsed.
      expect(plan(celEnv(), parse(text).expr)(bindings as never), text).toBe(true);
    }
    // One at a time: together they have more comprehensions than one policy may.
    for (const text of holding) {
      expect(evaluateConditions(compileConditions([text]), bytes(doc)), text).toEqual([]);
    }
  });

  it('gives the same answer every time (a literal accumulator is never appended to)', () => {
    const conditions = compileConditions([
      '[1, 2].map(x, x) == [1, 2]',
      'predicate.l.filter(x, true) == predicate.l',
    ]);
    for (let i = 0; i < 3; i++) expect(evaluateConditions(conditions, bytes(doc))).toEqual([]);
  });

  it('rewrites a macro inside a map literal too', () => {
    const [compiled] = compileConditions(['{"k": subject.map(s, s.name)}.k.size() == 2']);
    const rewritten = withLinearAccumulators(compiled?.expr as never);
    expect(JSON.stringify(rewritten, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).toContain(
      '@append',
    );
  });

  it('rewrites only for evaluation: the compiled tree stays as written', () => {
    const [compiled] = compileConditions(['subject.map(s, s.name).size() == 2']);
    const before = JSON.stringify(compiled?.expr, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
    const rewritten = withLinearAccumulators(compiled?.expr as never);
    expect(JSON.stringify(rewritten, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).toContain(
      '@append',
    );
    expect(JSON.stringify(compiled?.expr, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).toBe(
      before,
    );
  });

  it('maps and filters a list of the largest statement’s length, which the lazy expansion could not', () => {
    const n = 100_000;
    const big = {
      predicateType: 'x',
      subject: [],
      predicate: { l: Array.from({ length: n }, (_, i) => i % 10) },
    };
    const conditions = compileConditions([
      `predicate.l.map(x, x + 1.0).filter(y, y > 5.0).size() == ${(n / 10) * 5}`,
      'predicate.l.map(x, x).all(y, y >= 0.0)',
    ]);
    expect(evaluateConditions(conditions, bytes(big))).toEqual([]);
  });
});
