import { parse } from '@bufbuild/cel';
import {
  checkRegexpCaps,
  compilePolicyRegexp,
  estimateRegexpSize,
  POLICY_LIMITS,
  PolicyError,
} from '../../verification/index.js';
import type { Expr } from './condition-env.js';
import { MAX_CONDITION_LENGTH, MAX_CONDITIONS } from './limits.js';

/**
 * Checks the pattern of every `matches()` in `expr` (a condition's text is `text`) and returns the
 * patterns, for the policy-wide size cap. @bufbuild/cel's `matches` is RE2 (the environment runs it
 * on re2js, compile-then-match linear in pattern × input: no backtracking), so the only costs are a
 * pattern's program size, which grows with repeats (`(a{1000}){1000}` is 26 characters and a million
 * instructions), and its compile. A pattern is held to the same caps as the policy's `…Regexp` fields
 * (POLICY_LIMITS: length and estimated instructions) and must compile now, so a bad one is
 * INVALID_POLICY before any registry request instead of failing every attestation.
 *
 * Only string literals are accepted as patterns. A pattern read from the statement
 * (`x.matches(predicate.p)`) would be whatever the signer put there — up to the whole statement — and
 * compiled at run time once per element; a condition has no use for that, so it is refused here.
 */
export function checkPatterns(expr: Expr, text: string): string[] {
  const patterns: string[] = [];
  const visit = (e: Expr): void => {
    const kind = e.exprKind;
    if (kind.case === 'callExpr' && kind.value.function === 'matches') {
      const pattern = kind.value.args[kind.value.args.length - 1];
      patterns.push(checkPattern(pattern, text));
    }
    childrenOf(e).forEach(visit);
  };
  visit(expr);
  return patterns;
}

/**
 * The string-literal `matches()` patterns of `texts`, checking nothing else: for the GraphQL
 * operation-wide regexp total (policy-limits-plugin.ts), which must count every field's patterns
 * before any field compiles its own. What the field would refuse anyway (not a string, over the
 * length or count cap, not parsing, a pattern over its own caps) contributes none: the field refuses
 * it itself, naming the condition, before compiling anything.
 */
export function conditionPatterns(texts: readonly unknown[]): string[] {
  return texts.slice(0, MAX_CONDITIONS).flatMap((text) => {
    if (typeof text !== 'string' || text.length > MAX_CONDITION_LENGTH) return [];
    let expr: Expr;
    try {
      expr = parse(text).expr;
    } catch {
      return [];
    }
    const found: string[] = [];
    const visit = (e: Expr): void => {
      const kind = e.exprKind;
      if (kind.case === 'callExpr' && kind.value.function === 'matches') {
        const pattern = kind.value.args[kind.value.args.length - 1]?.exprKind;
        if (pattern?.case === 'constExpr' && pattern.value.constantKind.case === 'stringValue') {
          const literal = pattern.value.constantKind.value;
          // One over its own caps is never compiled: the field refuses it, naming the condition.
          if (
            literal.length <= POLICY_LIMITS.maxRegexpLength &&
            estimateRegexpSize(literal) <= POLICY_LIMITS.maxRegexpSize
          ) {
            found.push(literal);
          }
        }
      }
      childrenOf(e).forEach(visit);
    };
    visit(expr);
    return found;
  });
}

function checkPattern(pattern: Expr | undefined, text: string): string {
  const literal =
    pattern?.exprKind.case === 'constExpr' && pattern.exprKind.value.constantKind.case === 'stringValue'
      ? pattern.exprKind.value.constantKind.value
      : undefined;
  const where = `condition ${JSON.stringify(text)}`;
  if (literal === undefined) {
    throw new PolicyError(`${where} gives matches() a pattern that is not a string literal`);
  }
  const field = `${where}: the pattern ${JSON.stringify(literal)}`;
  checkRegexpCaps(field, literal);
  compilePolicyRegexp(literal, field); // PolicyError when RE2 refuses it; memoised for evaluation
  return literal;
}

/** The direct subexpressions of `expr`. */
export function childrenOf(expr: Expr): Expr[] {
  const kind = expr.exprKind;
  switch (kind.case) {
    case 'selectExpr':
      return kind.value.operand === undefined ? [] : [kind.value.operand];
    case 'callExpr':
      return kind.value.target === undefined ? kind.value.args : [kind.value.target, ...kind.value.args];
    case 'listExpr':
      return kind.value.elements;
    case 'structExpr':
      return kind.value.entries.flatMap((entry) => [
        ...(entry.keyKind.case === 'mapKey' ? [entry.keyKind.value] : []),
        ...(entry.value === undefined ? [] : [entry.value]),
      ]);
    case 'comprehensionExpr': {
      const c = kind.value;
      return [c.iterRange, c.accuInit, c.loopCondition, c.loopStep, c.result].filter(
        (e): e is Expr => e !== undefined,
      );
    }
    default:
      return [];
  }
}
