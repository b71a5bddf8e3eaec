import { ImprimaturError } from '../errors/index.js';

/**
 * Bounds on the shape of one GraphQL document, checked before anything executes. The registry fetch
 * budget and the `images(refs)` cap bound what a request makes the service *fetch*; these bound what
 * parsing, validating and resolving the document itself costs, which a hostile caller could
 * otherwise make arbitrarily large within the 1 MiB body cap.
 */
export interface QueryLimits {
  /**
   * Lexical tokens in the document: 5000. Parsing stops at the limit, so a 1 MiB document of
   * `{a a a a ...}` never becomes a 100 000-node AST. The largest legitimate query here (100 refs
   * written inline, a full selection) is well under 1000.
   */
  readonly maxTokens: number;
  /**
   * Nesting of selection sets: 12. Real queries stay under 10 (image → manifest list → manifests →
   * verification → signatures → certificate → chain); `Certificate.chain` is recursive, so without a
   * bound a query could nest it as deep as its tokens allow. Introspection is not counted here
   * (see query-limit-rules.ts).
   */
  readonly maxDepth: number;
  /**
   * Aliased fields, counted through fragments: 30. Aliases are how one query asks for the same
   * field many times (`a: image(...) b: image(...)`); the `images(refs)` list is the way to ask for
   * many images.
   */
  readonly maxAliases: number;
  /**
   * Field selections after expanding every fragment spread: 2000. Fragments can nest so that a small
   * document expands exponentially (a "fragment bomb"); counting the expansion bounds what execution
   * would walk.
   */
  readonly maxFields: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxTokens: 5000,
  maxDepth: 12,
  maxAliases: 30,
  maxFields: 2000,
};

export type QueryLimitCode = 'QUERY_TOO_DEEP' | 'TOO_MANY_ALIASES' | 'QUERY_TOO_COMPLEX' | 'TOO_MANY_TOKENS';

/** A document over one of the {@link QueryLimits}: carried as the `originalError` of a validation error. */
export class QueryLimitError extends ImprimaturError<QueryLimitCode> {}

/**
 * graphql-js enforces `maxTokens` while parsing and reports it as a plain syntax error; this is how
 * the edge tells it from other syntax errors, to give it its own code.
 */
export function isTokenLimitMessage(message: string): boolean {
  // graphql 16 spells it "more that"; accept the corrected spelling too, should a release fix it.
  return /^Syntax Error: Document contains more (?:that|than) \d+ tokens\./.test(message);
}
