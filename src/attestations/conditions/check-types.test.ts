import { describe, expect, it } from 'vitest';
import { compileConditions, evaluateConditions } from './index.js';

/** The INVALID_POLICY error compiling `texts` throws (the test fails when nothing is thrown). */
function refusal(texts: string[]): unknown {
  try {
    compileConditions(texts);
  } catch (error) {
    return error;
  }
  throw new Error(`compiled: ${JSON.stringify(texts)}`);
}

const statement = {
  _type: 'https://in-toto.io/Statement/v1',
  subject: [{ name: 'app', digest: { sha256: 'ab'.repeat(32) } }],
  predicateType: 'https://slsa.dev/provenance/v1',
  predicate: { count: 3, labels: ['a', 'b'], started: '2026-01-01T00:00:00Z' },
};
const payload = new Uint8Array(Buffer.from(JSON.stringify(statement)));

describe('type checking conditions before any registry work', () => {
  it.each([
    ['predicateType + 1 == 2', "does not type-check: has no overload of '+' for (string, int)"],
    ['sha256(predicateType) == "x"', "does not type-check: calls an unknown function 'sha256'"],
    ['predicateType.upper() == "X"', "does not type-check: calls an unknown function 'upper'"],
    ['predicateType.startsWith(1)', "has no overload of 'startsWith' on string for (int)"],
    ['predicateType.digest == "x"', "selects field 'digest' of a string, which has no fields"],
    ['predicateType[0] == "h"', 'indexes a string, which cannot be indexed'],
    ['subject["a"] == 1', 'indexes a list with string, not an int'],
    ['predicateType == 1', "compares string with int ('=='), which are never equal"],
    ['size(subject) && true', "'&&' needs bool operands"],
    ['[1, 2].all(n, n)', "'&&' needs bool operands"],
    ['!predicateType', "has no overload of '!' for (string)"],
    ['predicateType.size()', 'is of type int; a condition must be a bool'],
    ['predicateType', 'is of type string; a condition must be a bool'],
    ['subject.map(s, s.name)', 'is of type list(dyn); a condition must be a bool'],
    ['subject.all(s, s.name == "a", s.name == "b")', "undeclared reference to 's'"],
  ])('refuses %s, naming the expression and the reason', (text, reason) => {
    expect(refusal([text])).toMatchObject({
      code: 'INVALID_POLICY',
      message: expect.stringContaining(`condition ${JSON.stringify(text)} `),
    });
    expect((refusal([text]) as Error).message).toContain(reason);
  });

  it('keeps expressions over JSON values (dyn) open until they run, and they hold', () => {
    const texts = [
      // JSON numbers are doubles, as in CEL's own JSON conversion.
      'predicate.count + 1.0 == 4.0',
      'predicate.count > 2',
      'int(predicate.count) > 2 && size(predicate.labels) == 2',
      '"a" in predicate.labels',
      'predicate.labels.exists(l, l == "b")',
      'timestamp(predicate.started) < timestamp("2027-01-01T00:00:00Z")',
      'predicate.count == 3.0',
      'subject[0].digest.sha256.size() == 64',
      'statement._type.endsWith("/v1")',
      'has(predicate.missing) ? predicate.missing : true',
      'predicateType != null',
    ];
    expect(evaluateConditions(compileConditions(texts), payload)).toEqual([]);
  });

  it('a dyn expression that turns out not to be a bool still fails when it runs', () => {
    expect(evaluateConditions(compileConditions(['predicate.labels']), payload)).toEqual([
      {
        code: 'CONDITION_FAILED',
        message: 'condition "predicate.labels" is not a boolean (got a list, map or other value)',
      },
    ]);
  });
});
