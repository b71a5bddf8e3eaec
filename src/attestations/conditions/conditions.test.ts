import { describe, expect, it } from 'vitest';
import {
  compileConditions,
  evaluateConditions,
  MAX_CONDITION_COMPREHENSIONS,
  MAX_CONDITION_INPUT_BYTES,
  MAX_CONDITION_LENGTH,
  MAX_CONDITIONS,
} from './index.js';

const statement = {
  _type: 'https://in-toto.io/Statement/v1',
  subject: [{ name: 'ghcr.io/acme/app', digest: { sha256: 'ab'.repeat(32) } }],
  predicateType: 'https://slsa.dev/provenance/v1',
  predicate: {
    buildDefinition: {
      buildType: 'https://actions.github.io/buildtypes/workflow/v1',
      externalParameters: { workflow: { ref: 'refs/heads/main', repository: 'https://github.com/acme/app' } },
    },
    runDetails: { builder: { id: 'https://github.com/actions/runner/github-hosted' } },
  },
};
const bytes = (value: unknown) => new Uint8Array(Buffer.from(JSON.stringify(value)));
const evaluate = (texts: string[], doc: unknown = statement) =>
  evaluateConditions(compileConditions(texts), bytes(doc));

describe('CEL conditions over a statement', () => {
  it('passes when every expression is true, over each variable', () => {
    expect(
      evaluate([
        'predicate.buildDefinition.externalParameters.workflow.ref == "refs/heads/main"',
        'predicateType == "https://slsa.dev/provenance/v1"',
        `subject.exists(s, s.digest.sha256 == "${'ab'.repeat(32)}")`,
        'statement._type.endsWith("/v1") && has(predicate.runDetails.builder.id)',
        'predicate.runDetails.builder.id.matches("^https://github.com/actions/runner/")',
      ]),
    ).toEqual([]);
  });

  it('names each false expression, and only those', () => {
    const failing = 'predicate.buildDefinition.externalParameters.workflow.ref == "refs/heads/release"';
    expect(
      evaluate(['predicateType.startsWith("https://slsa.dev/")', failing, 'size(subject) == 2']),
    ).toEqual([
      { code: 'CONDITION_FAILED', message: `condition ${JSON.stringify(failing)} is false` },
      { code: 'CONDITION_FAILED', message: 'condition "size(subject) == 2" is false' },
    ]);
  });

  it('fails an expression whose result is not a boolean', () => {
    expect(evaluate(['predicate.buildDefinition.buildType'])).toEqual([
      {
        code: 'CONDITION_FAILED',
        message: 'condition "predicate.buildDefinition.buildType" is not a boolean (got a string)',
      },
    ]);
  });

  it('fails an expression over JSON values (dyn) that errors at run time, with the evaluator’s reason', () => {
    expect(
      evaluate(['predicate.missing.ref == "x"', 'predicate.buildDefinition.buildType + 1 == 2']),
    ).toEqual([
      {
        code: 'CONDITION_FAILED',
        message:
          'condition "predicate.missing.ref == \\"x\\"" could not be evaluated: field not found: missing',
      },
      {
        code: 'CONDITION_FAILED',
        message: expect.stringMatching(
          /^condition "predicate\.buildDefinition\.buildType \+ 1 == 2" could not be evaluated: .*overload/,
        ),
      },
    ]);
  });

  it('does not walk a statement larger than the input cap', () => {
    const huge = { ...statement, predicate: { blob: 'x'.repeat(MAX_CONDITION_INPUT_BYTES) } };
    expect(evaluate(['true'], huge)).toEqual([
      {
        code: 'CONDITION_NOT_EVALUATED',
        message: expect.stringMatching(
          new RegExp(`^conditions not evaluated: .*${MAX_CONDITION_INPUT_BYTES}`),
        ),
      },
    ]);
  });

  it('treats a statement without a predicate as null, not as a crash', () => {
    const { predicate: _, ...bare } = statement;
    expect(evaluate(['predicate == null'], bare)).toEqual([]);
  });

  it('fails every condition, without evaluating, when the statement is not JSON', () => {
    expect(evaluateConditions(compileConditions(['true']), new Uint8Array([0x7b]))).toEqual([
      { code: 'CONDITION_NOT_EVALUATED', message: expect.stringMatching(/^conditions not evaluated: /) },
    ]);
  });
});

describe('condition checks before any registry work (INVALID_POLICY)', () => {
  const refused = (texts: string[], pattern: RegExp) => {
    let caught: unknown;
    try {
      compileConditions(texts);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'INVALID_POLICY', message: expect.stringMatching(pattern) });
  };

  it('refuses a syntax error, naming the expression', () => {
    refused(['predicate.('], /^condition "predicate\.\(" does not parse: /);
  });

  it('refuses an unknown variable', () => {
    refused(['image == "x"'], /undeclared reference to 'image'/);
  });

  it('refuses empty, over-long and too many expressions', () => {
    refused([' '], /condition is empty/);
    refused(
      [`predicateType == "${'x'.repeat(MAX_CONDITION_LENGTH)}"`],
      /characters long, more than the 1024/,
    );
    refused(
      Array.from({ length: MAX_CONDITIONS + 1 }, () => 'true'),
      /17 conditions, more than the 16/,
    );
  });

  it('refuses an expression with too many nodes', () => {
    refused([Array.from({ length: 200 }, () => '1').join('+') + ' == 0'], /more than 256 syntax nodes/);
  });

  it('refuses quadratic shapes: nested comprehensions, outer variables in a body', () => {
    refused(['subject.all(a, subject.all(b, a == b))'], /nests a comprehension|uses 'subject' inside/);
    refused(['[1, 2].all(a, [3].exists(b, a == b))'], /nests a comprehension inside another/);
    refused(['subject.exists(s, s in subject)'], /uses 'subject' inside a comprehension's body/);
  });

  it('refuses more comprehensions across the policy than the cap', () => {
    const each = 'subject.exists(s, s.name == "a")';
    expect(compileConditions(Array.from({ length: MAX_CONDITION_COMPREHENSIONS }, () => each))).toHaveLength(
      MAX_CONDITION_COMPREHENSIONS,
    );
    refused(
      Array.from({ length: MAX_CONDITION_COMPREHENSIONS + 1 }, () => each),
      /comprehensions over the 8 allowed/,
    );
  });

  it('accepts comprehensions one after another', () => {
    expect(compileConditions(['subject.map(s, s.name).all(n, n.startsWith("ghcr.io/"))'])).toHaveLength(1);
    expect(evaluate(['subject.map(s, s.name).all(n, n.startsWith("ghcr.io/"))'])).toEqual([]);
  });
});

describe('shapes that could be slow are refused before they run (INVALID_POLICY)', () => {
  const list = (n: number, item: string) => `[${Array.from({ length: n }, () => item).join(', ')}]`;
  it.each([
    [
      'a comprehension nested in another (quadratic)',
      'subject.all(a, a.x.exists(b, b == 1))',
      /nests a comprehension/,
    ],
    [
      'string building over a list with an outer value (a copy of the statement per element)',
      'subject.map(s, predicate.blob + s.name).size() > 0',
      /uses 'predicate' inside a comprehension's body/,
    ],
    ['a huge list literal', `size(${list(300, '1')}) > 0`, /more than 256 syntax nodes/],
    ['size() of a huge expression', `size(${'[1]+'.repeat(200)}[1]) > 0`, /more than 256 syntax nodes/],
    [
      'a long chain of concatenations of the largest string',
      `(${Array.from({ length: 300 }, () => 'predicateType').join(' + ')}).size() > 0`,
      /more than 256 syntax nodes|characters long/,
    ],
    [
      'a regexp whose repeats blow up',
      'predicateType.matches("((a{100}){100}){100}")',
      /too large a regular expression/,
    ],
    ['a regexp read from the statement', 'predicateType.matches(predicate.pattern)', /not a string literal/],
    [
      'more passes over the statement than the cap',
      Array.from({ length: MAX_CONDITION_COMPREHENSIONS + 1 }, () => 'subject.exists(s, true)').join(' && '),
      /comprehensions over the 8 allowed/,
    ],
  ])('%s', (_, text, reason) => {
    let caught: unknown;
    try {
      compileConditions([text]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'INVALID_POLICY', message: expect.stringMatching(reason) });
  });
});
