import { describe, expect, it } from 'vitest';
import { POLICY_LIMITS } from '../../verification/index.js';
import { compileConditions, conditionPatterns, evaluateConditions } from './index.js';

function refusal(texts: string[]): Error {
  try {
    compileConditions(texts);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`compiled: ${JSON.stringify(texts)}`);
}

const payload = (value: unknown) => new Uint8Array(Buffer.from(JSON.stringify(value)));

describe('matches() patterns', () => {
  it('refuses a pattern RE2 does not compile, naming the condition and the pattern', () => {
    for (const pattern of ['(a', 'a(?=b)', '(a)\\1']) {
      const text = `predicateType.matches(${JSON.stringify(pattern)})`;
      const error = refusal([text]);
      expect(error).toMatchObject({ code: 'INVALID_POLICY' });
      expect(error.message).toContain(`condition ${JSON.stringify(text)}: the pattern `);
      expect(error.message).toContain('is not a valid RE2 regular expression');
    }
  });

  it('refuses a pattern whose repeats blow up the RE2 program, before compiling it', () => {
    const error = refusal(['predicateType.matches("(a{1000}){1000}")']);
    expect(error).toMatchObject({ code: 'INVALID_POLICY' });
    expect(error.message).toMatch(/too large a regular expression: about \d+ RE2 instructions/);
  });

  it('refuses a pattern over the policy regexp length cap', () => {
    const long = 'a'.repeat(POLICY_LIMITS.maxRegexpLength + 1);
    // The pattern alone is over the cap; the condition around it stays under its own length cap.
    expect(refusal([`predicateType.matches("${long}")`]).message).toMatch(
      /characters long, more than the 1024 allowed|characters long; at most 1024/,
    );
  });

  it('refuses patterns over the policy-wide total, counting each distinct pattern once', () => {
    // [a-z]{n} is n RE2 instructions: each is under the per-pattern cap, five distinct ones are not.
    const sized = (n: number) => `predicateType.matches("^[a-z]{${n}}$")`;
    const error = refusal([900, 901, 902, 903, 904].map(sized));
    expect(error).toMatchObject({ code: 'INVALID_POLICY' });
    expect(error.message).toMatch(/matches\(\) patterns of this policy's conditions are too large together/);
    expect(compileConditions([900, 900, 900, 900, 900].map(sized))).toHaveLength(5);
  });

  it('refuses a pattern that is not a string literal (it would come from the signed statement)', () => {
    const error = refusal(['predicateType.matches(predicate.pattern)']);
    expect(error).toMatchObject({ code: 'INVALID_POLICY' });
    expect(error.message).toMatch(/gives matches\(\) a pattern that is not a string literal/);
  });

  it('matches unanchored, with RE2 syntax, over every element of a list', () => {
    const doc = { predicateType: 'x', subject: [{ name: 'ghcr.io/acme/app' }, { name: 'ghcr.io/acme/db' }] };
    const conditions = compileConditions([
      'subject.all(s, s.name.matches("^ghcr\\\\.io/acme/"))',
      'subject.exists(s, s.name.matches("db"))',
      'subject.all(s, s.name.matches("^docker\\\\.io/"))',
    ]);
    expect(evaluateConditions(conditions, payload(doc))).toEqual([
      {
        code: 'CONDITION_FAILED',
        message: 'condition "subject.all(s, s.name.matches(\\"^docker\\\\\\\\.io/\\"))" is false',
      },
    ]);
  });

  it('lists the literal patterns of conditions for the operation-wide total, skipping what the field refuses', () => {
    expect(
      conditionPatterns([
        'predicateType.matches("^a") && subject.exists(s, s.name.matches("b$"))',
        'predicate.(',
        42,
        'predicateType.matches(predicate.p)',
        `predicateType.matches("${'c'.repeat(2000)}")`,
        'predicateType.matches("(a{1000}){1000}")',
      ]),
    ).toEqual(['^a', 'b$']);
  });
});
