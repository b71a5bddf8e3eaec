import { isCelError, plan } from '@bufbuild/cel';
import { parseUntrustedJson } from '../../discovery/untrusted-json.js';
import type { VerificationIssue } from '../../verification/index.js';
import type { CompiledCondition } from './compile-conditions.js';
import { conditionEnv } from './condition-env.js';
import { MAX_CONDITION_INPUT_BYTES } from './limits.js';
import { withLinearAccumulators } from './list-accumulator.js';

/**
 * Evaluates compiled conditions over a statement's signed bytes (call only once signature, subject
 * and predicate type have passed: the conditions read what was verified, never what discovery
 * guessed). Returns one CONDITION_FAILED issue per expression that is false, is not a boolean, or
 * fails to evaluate; empty when all hold. Every expression runs, so each failing one is named.
 * `starting` is told the index of each expression before it runs (condition-worker.ts).
 *
 * This runs to completion on the calling thread: the service calls it only inside the evaluation
 * worker (condition-pool.ts), where a deadline can stop it.
 */
export function evaluateConditions(
  conditions: readonly CompiledCondition[],
  payload: Uint8Array,
  starting: (index: number) => void = () => undefined,
): VerificationIssue[] {
  if (conditions.length === 0) return [];
  let statement: unknown;
  try {
    statement = parseUntrustedJson(payload, 'in-toto statement', MAX_CONDITION_INPUT_BYTES);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return [{ code: 'CONDITION_NOT_EVALUATED', message: `conditions not evaluated: ${reason}` }];
  }
  const root = isRecord(statement) ? statement : {};
  const bindings = {
    statement: root,
    predicate: root.predicate ?? null,
    predicateType: root.predicateType ?? null,
    subject: root.subject ?? null,
  } as Parameters<ReturnType<typeof plan>>[0];
  return conditions.flatMap((condition, index) => {
    starting(index);
    const failure = evaluateOne(condition, bindings);
    return failure === undefined
      ? []
      : [{ code: 'CONDITION_FAILED', message: `condition ${JSON.stringify(condition.text)} ${failure}` }];
  });
}

/**
 * Planned programs by syntax tree: the worker keeps its parsed conditions (condition-worker.ts), so
 * a policy asked again is not rewritten and planned again. Weak: a tree nobody holds takes its
 * program with it.
 */
const programs = new WeakMap<CompiledCondition['expr'], ReturnType<typeof plan>>();

function programOf(condition: CompiledCondition): ReturnType<typeof plan> {
  let program = programs.get(condition.expr);
  if (program === undefined) {
    program = plan(conditionEnv, withLinearAccumulators(condition.expr));
    programs.set(condition.expr, program);
  }
  return program;
}

function evaluateOne(
  condition: CompiledCondition,
  bindings: Parameters<ReturnType<typeof plan>>[0],
): string | undefined {
  let result: unknown;
  try {
    result = programOf(condition)(bindings);
  } catch (error) {
    // run/plan return errors rather than throw; a throw is a bug in the evaluator, still a failure.
    return `could not be evaluated: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (isCelError(result)) return `could not be evaluated: ${result.message}`;
  if (typeof result !== 'boolean') return `is not a boolean (got ${describe(result)})`;
  return result ? undefined : 'is false';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'bigint' || typeof value === 'number') return 'a number';
  if (typeof value === 'string') return 'a string';
  return 'a list, map or other value';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
