import { parse } from '@bufbuild/cel';
import { checkRegexpSizeTotal, estimateRegexpSize, PolicyError } from '../../verification/index.js';
import { checkPatterns, childrenOf } from './check-patterns.js';
import { TypeProblem, typeOf } from './check-types.js';
import { CONDITION_VARIABLE_TYPES, conditionEnv, type Expr } from './condition-env.js';
import {
  MAX_CONDITION_COMPREHENSIONS,
  MAX_CONDITION_LENGTH,
  MAX_CONDITION_NODES,
  MAX_CONDITIONS,
} from './limits.js';

/** The variables a condition sees: the verified in-toto statement and its parts. */
export const CONDITION_VARIABLES = Object.keys(CONDITION_VARIABLE_TYPES);

const variableTypes = new Map(Object.entries(CONDITION_VARIABLE_TYPES));

/** One condition, parsed and checked: its text (how failures name it) and its syntax tree. */
export interface CompiledCondition {
  readonly text: string;
  readonly expr: Expr;
}

/**
 * Parses and checks CEL conditions before any registry request; every problem is INVALID_POLICY
 * naming the expression. Beyond syntax, two rules make evaluation cost at most linear in the
 * statement's size times the expression's: no comprehension (`all`, `exists`, `exists_one`, `map`,
 * `filter`) inside another's body, and a comprehension's body sees only its own variables — so
 * `subject.exists(s, s.digest.sha256 == "…")` is fine but `a.all(x, x in predicate.b)`, which is
 * quadratic, is refused. Unknown variables are refused here too rather than failing every attestation.
 *
 * Then each expression is type-checked (check-types.ts) and must be a bool (or `dyn`, a JSON value
 * known only when it runs): `predicateType + 1 == 2` or `predicateType` alone can never pass, so
 * they are INVALID_POLICY with the checker's reason, not a CONDITION_FAILED on every attestation.
 * Last, every `matches()` pattern must be a string literal that RE2 compiles within the policy's
 * regexp caps (check-patterns.ts), all of them together within its total.
 */
export function compileConditions(texts: readonly string[]): readonly CompiledCondition[] {
  if (texts.length > MAX_CONDITIONS) {
    throw new PolicyError(`policy has ${texts.length} conditions, more than the ${MAX_CONDITIONS} allowed`);
  }
  const passes = { comprehensions: 0 };
  const compiled = texts.map((text) => compileCondition(text, passes));
  // Compiled patterns are memoised by source: what a policy can make the service compile is its
  // distinct patterns.
  const patterns = new Set(compiled.flatMap((c) => checkPatterns(c.expr, c.text)));
  checkRegexpSizeTotal(
    [...patterns].reduce((sum, p) => sum + estimateRegexpSize(p), 0),
    "the matches() patterns of this policy's conditions",
  );
  return compiled;
}

function compileCondition(text: string, passes: { comprehensions: number }): CompiledCondition {
  if (text.trim() === '') throw new PolicyError('condition is empty');
  if (text.length > MAX_CONDITION_LENGTH) {
    throw new PolicyError(
      `condition is ${text.length} characters long, more than the ${MAX_CONDITION_LENGTH} allowed: ${preview(text)}`,
    );
  }
  let expr: Expr;
  try {
    expr = parse(text).expr;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PolicyError(`condition ${JSON.stringify(text)} does not parse: ${reason}`);
  }
  const count = { nodes: 0, comprehensions: passes.comprehensions };
  const problem = checkTree(expr, new Set(CONDITION_VARIABLES), false, count);
  passes.comprehensions = count.comprehensions;
  if (problem !== undefined) throw new PolicyError(`condition ${JSON.stringify(text)} ${problem}`);
  checkType(expr, text);
  return { text, expr };
}

/** Refuses an expression that cannot type-check or whose type is not bool (`dyn` is decided at run time). */
function checkType(expr: Expr, text: string): void {
  let type;
  try {
    type = typeOf(expr, conditionEnv, variableTypes);
  } catch (error) {
    if (!(error instanceof TypeProblem)) throw error;
    throw new PolicyError(`condition ${JSON.stringify(text)} does not type-check: ${error.message}`);
  }
  if (type.kind === 'scalar' && (type.scalar === 'bool' || type.scalar === 'dyn')) return;
  throw new PolicyError(
    `condition ${JSON.stringify(text)} is of type ${String(type)}; a condition must be a bool`,
  );
}

/** The first rule `expr` breaks, or undefined. `scope` is the identifiers visible here. */
function checkTree(
  expr: Expr,
  scope: ReadonlySet<string>,
  inBody: boolean,
  count: { nodes: number; comprehensions: number },
): string | undefined {
  count.nodes += 1;
  if (count.nodes > MAX_CONDITION_NODES) return `has more than ${MAX_CONDITION_NODES} syntax nodes`;
  const kind = expr.exprKind;
  switch (kind.case) {
    case 'identExpr':
      if (scope.has(kind.value.name)) return undefined;
      return inBody && CONDITION_VARIABLES.some((v) => v === kind.value.name)
        ? `uses '${kind.value.name}' inside a comprehension's body, which may only use its own variables`
        : `has an undeclared reference to '${kind.value.name}' (known: ${CONDITION_VARIABLES.join(', ')})`;
    case 'comprehensionExpr': {
      if (inBody) return 'nests a comprehension inside another, which is not allowed (cost)';
      count.comprehensions += 1;
      if (count.comprehensions > MAX_CONDITION_COMPREHENSIONS) {
        return `brings the policy's comprehensions over the ${MAX_CONDITION_COMPREHENSIONS} allowed (cost)`;
      }
      const c = kind.value;
      const own = new Set([c.iterVar, c.iterVar2, c.accuVar].filter((v) => v !== ''));
      const outside = [c.iterRange, c.accuInit].filter((e): e is Expr => e !== undefined);
      const body = [c.loopCondition, c.loopStep, c.result].filter((e): e is Expr => e !== undefined);
      return (
        firstProblem(outside, (e) => checkTree(e, scope, false, count)) ??
        firstProblem(body, (e) => checkTree(e, own, true, count))
      );
    }
    default:
      return firstProblem(childrenOf(expr), (e) => checkTree(e, scope, inBody, count));
  }
}

function firstProblem(exprs: readonly Expr[], check: (e: Expr) => string | undefined): string | undefined {
  for (const e of exprs) {
    const problem = check(e);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function preview(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}
