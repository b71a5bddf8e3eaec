import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { queryLimitsRule } from './query-limit-rules.js';
import { QueryLimitError, type QueryLimits } from './query-limits.js';

const schema = buildSchema(`type Node { id: ID, child: Node } type Query { node: Node }`);
const limits: QueryLimits = { maxTokens: 1000, maxDepth: 3, maxAliases: 2, maxFields: 10 };

function limitCodes(query: string): string[] {
  return validate(schema, parse(query), [queryLimitsRule(limits)]).map((error) =>
    error.originalError instanceof QueryLimitError ? error.originalError.code : error.message,
  );
}

describe('queryLimitsRule', () => {
  it('accepts a document at every limit', () => {
    expect(limitCodes(`{ a: node { b: child { id } } }`)).toEqual([]);
  });

  it('counts depth through fragments and inline fragments', () => {
    expect(
      limitCodes(`{ node { ...F } } fragment F on Node { child { ... on Node { child { id } } } }`),
    ).toEqual(['QUERY_TOO_DEEP']);
  });

  it('counts each use of a fragment towards aliases and fields', () => {
    expect(limitCodes(`{ node { ...F ...F child { ...F } } } fragment F on Node { x: id }`)).toEqual([
      'TOO_MANY_ALIASES',
    ]);
    const eleven = Array.from({ length: 11 }, () => 'id').join(' ');
    expect(limitCodes(`{ node { ${eleven} } }`)).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('does not count depth below __schema or __type, but does count their fields', () => {
    expect(limitCodes(`{ __type(name: "Node") { fields { type { ofType { ofType { name } } } } } }`)).toEqual(
      [],
    );
    const many = Array.from({ length: 11 }, () => 'name').join(' ');
    expect(limitCodes(`{ __schema { types { ${many} } } }`)).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('measures each operation on its own', () => {
    expect(
      limitCodes(`query A { node { id } } query B { node { child { child { child { id } } } } }`),
    ).toEqual(['QUERY_TOO_DEEP']);
  });

  it('does not loop on a fragment cycle (graphql-js reports the cycle itself)', () => {
    const errors = validate(schema, parse(`{ node { ...F } } fragment F on Node { child { ...F } }`), [
      queryLimitsRule(limits),
    ]);
    expect(errors).toEqual([]);
  });
});
