import { parse } from '@bufbuild/cel';
import { PolicyError } from '../../verification/index.js';
import {
  MAX_CONDITION_COMPREHENSIONS,
  MAX_CONDITION_LENGTH,
  MAX_CONDITION_NODES,
  MAX_CONDITIONS,
} from './limits.js';

/** CEL's syntax tree, as @bufbuild/cel's parser returns it (its spec package is not ours to import). */
type Expr = ReturnType<typeof parse>['expr'];

/** The variables a condition sees: the verified in-toto statement and its parts. */
export const CONDITION_VARIABLES = ['statement', 'predicate', 'predicateType', 'subject'] as const;

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
 */
export function compileConditions(texts: readonly string[]): readonly CompiledCondition[] {
  if (texts.length > MAX_CONDITIONS) {
    throw new PolicyError(`policy has ${texts.length} conditions, more than the ${MAX_CONDITIONS} allowed`);
  }
  const passes = { comprehensions: 0 };
  return texts.map((text) => compileCondition(text, passes));
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
  return { text, expr };
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
    case 'constExpr':
    case undefined:
      return undefined;
    case 'identExpr':
      if (scope.has(kind.value.name)) return undefined;
      return inBody && CONDITION_VARIABLES.some((v) => v === kind.value.name)
        ? `uses '${kind.value.name}' inside a comprehension's body, which may only use its own variables`
        : `has an undeclared reference to '${kind.value.name}' (known: ${CONDITION_VARIABLES.join(', ')})`;
    case 'selectExpr':
      return kind.value.operand === undefined
        ? undefined
        : checkTree(kind.value.operand, scope, inBody, count);
    case 'callExpr': {
      const parts =
        kind.value.target === undefined ? kind.value.args : [kind.value.target, ...kind.value.args];
      return firstProblem(parts, (e) => checkTree(e, scope, inBody, count));
    }
    case 'listExpr':
      return firstProblem(kind.value.elements, (e) => checkTree(e, scope, inBody, count));
    case 'structExpr':
      return firstProblem(
        kind.value.entries.flatMap((entry) => [
          ...(entry.keyKind.case === 'mapKey' ? [entry.keyKind.value] : []),
          ...(entry.value === undefined ? [] : [entry.value]),
        ]),
        (e) => checkTree(e, scope, inBody, count),
      );
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
      return 'uses an unsupported construct';
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
