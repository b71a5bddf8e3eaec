import { celEnv, CelScalar, type CelType, listType, mapType, type parse } from '@bufbuild/cel';
// Not through verification/index.js: the evaluation worker loads this module, and the index would
// bring all of verification (sigstore, trust roots) into every worker for one function.
import { compilePolicyRegexp } from '../../verification/policy/regexp.js';
import { appendFunc } from './list-accumulator.js';

/** CEL's syntax tree, as @bufbuild/cel's parser returns it (its spec package is not ours to import). */
export type Expr = ReturnType<typeof parse>['expr'];

/**
 * The variables a condition sees and their static types. The statement is in-toto's (v0.1 or v1):
 * after verification `predicateType` is the string that was asked for and `subject` the list that
 * names the digest, so both have fixed types; a statement is a JSON object with string keys; the
 * predicate is whatever JSON its type defines, so `dyn` — its fields are checked at run time.
 */
export const CONDITION_VARIABLE_TYPES: Readonly<Record<string, CelType>> = {
  statement: mapType(CelScalar.STRING, CelScalar.DYN),
  predicate: CelScalar.DYN,
  predicateType: CelScalar.STRING,
  subject: listType(CelScalar.DYN),
};

/**
 * The environment conditions are checked against and run in: CEL's standard library, with `matches`
 * running on the same RE2 engine (re2js) and memo of compiled programs as the policy's `…Regexp`
 * fields — so a pattern compiles once, not once per list element, and is refused the same way.
 * compile-conditions.ts only lets string-literal patterns within POLICY_LIMITS through, so compiling
 * here never meets a pattern that was not checked. Plus `@append`, which no expression can call by
 * name: evaluation rewrites `map` and `filter` steps to it (list-accumulator.ts).
 */
export const conditionEnv = celEnv({
  re2: { compile: (pattern) => compilePolicyRegexp(pattern, 'the pattern of matches()') },
  funcs: [appendFunc],
});
