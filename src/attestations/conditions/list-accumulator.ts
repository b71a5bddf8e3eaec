import { CelScalar, type CelList, celFunc, celList, type CelValue, listType } from '@bufbuild/cel';
import type { Expr } from './condition-env.js';

/**
 * Linear `map` and `filter`. CEL expands `l.map(x, f)` into a loop whose step is
 * `@result + [f(x)]`, and @bufbuild/cel 0.6.1 concatenates lists lazily, one wrapper around the
 * previous: after n steps the result is n wrappers deep, so reading it back walks n nested
 * generators per element — quadratic (5 000 elements took 0.66 s in the evaluation worker) and,
 * past a few thousand, `Maximum call stack size exceeded`.
 *
 * So, for evaluation only (after all compile-time checks ran on the expression as written), that step
 * is rewritten to `@append(@result, f(x))`, which pushes onto an array this module created for the
 * accumulator. Mutating is safe because nothing else can see that array while the loop runs: `@result`
 * is the macro's own variable, which no expression can name (`@` does not parse), comprehensions do
 * not nest (compile-conditions.ts), and the array is never one of the statement's or a literal's —
 * the first append copies whatever the accumulator started as.
 */
const APPEND = '@append';
const ACCUMULATOR = '@result';

/** Arrays created by {@link append} for the list values it returned, and only those. */
const owned = new WeakMap<CelList, CelValue[]>();

function append(list: CelList, element: CelValue): CelList {
  let items = owned.get(list);
  if (items === undefined) items = [...list];
  items.push(element);
  const next = celList(items);
  owned.set(next, items);
  return next;
}

/** The `@append` function for the evaluation environment (condition-env.ts). */
export const appendFunc = celFunc(
  APPEND,
  [listType(CelScalar.DYN), CelScalar.DYN],
  listType(CelScalar.DYN),
  append,
);

/**
 * `expr` with every macro step `@result + [e]` (in `map`, `filter`, and `map` with a filter, where it
 * is a branch of `?:`) turned into `@append(@result, e)`. Returns new nodes along the changed paths;
 * the compiled tree it was given is not modified.
 */
export function withLinearAccumulators(expr: Expr): Expr {
  const kind = expr.exprKind;
  switch (kind.case) {
    case 'comprehensionExpr': {
      const c = kind.value;
      if (c.accuVar !== ACCUMULATOR || c.loopStep === undefined) break;
      const loopStep = rewriteStep(c.loopStep);
      const iterRange = c.iterRange === undefined ? undefined : withLinearAccumulators(c.iterRange);
      return { ...expr, exprKind: { case: 'comprehensionExpr', value: { ...c, loopStep, iterRange } } };
    }
    case 'callExpr': {
      const call = kind.value;
      const target = call.target === undefined ? undefined : withLinearAccumulators(call.target);
      const args = call.args.map(withLinearAccumulators);
      return { ...expr, exprKind: { case: 'callExpr', value: { ...call, target, args } } };
    }
    case 'selectExpr': {
      const select = kind.value;
      if (select.operand === undefined) break;
      const operand = withLinearAccumulators(select.operand);
      return { ...expr, exprKind: { case: 'selectExpr', value: { ...select, operand } } };
    }
    case 'listExpr': {
      const elements = kind.value.elements.map(withLinearAccumulators);
      return { ...expr, exprKind: { case: 'listExpr', value: { ...kind.value, elements } } };
    }
    case 'structExpr': {
      // Map literals: `{"k": l.map(x, x)}` (keys and values alike may hold a macro).
      const entries = kind.value.entries.map((entry) => ({
        ...entry,
        keyKind:
          entry.keyKind.case === 'mapKey'
            ? { ...entry.keyKind, value: withLinearAccumulators(entry.keyKind.value) }
            : entry.keyKind,
        value: entry.value === undefined ? undefined : withLinearAccumulators(entry.value),
      }));
      return { ...expr, exprKind: { case: 'structExpr', value: { ...kind.value, entries } } };
    }
    default:
      break;
  }
  return expr;
}

/** `@result + [e]` → `@append(@result, e)`; also inside either branch of `c ? … : …`. */
function rewriteStep(step: Expr): Expr {
  const kind = step.exprKind;
  if (kind.case !== 'callExpr') return step;
  const call = kind.value;
  if (call.function === '_?_:_') {
    return { ...step, exprKind: { case: 'callExpr', value: { ...call, args: call.args.map(rewriteStep) } } };
  }
  const [accumulator, added] = call.args;
  if (
    call.function !== '_+_' ||
    call.target !== undefined ||
    accumulator?.exprKind.case !== 'identExpr' ||
    accumulator.exprKind.value.name !== ACCUMULATOR ||
    added?.exprKind.case !== 'listExpr' ||
    added.exprKind.value.elements.length !== 1
  ) {
    return step;
  }
  const element = added.exprKind.value.elements[0] as Expr;
  return {
    ...step,
    exprKind: { case: 'callExpr', value: { ...call, function: APPEND, args: [accumulator, element] } },
  };
}
