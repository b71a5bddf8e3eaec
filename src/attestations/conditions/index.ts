export { compileConditions, CONDITION_VARIABLES, type CompiledCondition } from './compile-conditions.js';
export { conditionPatterns } from './check-patterns.js';
export { evaluateConditions } from './evaluate-conditions.js';
export { conditionPoolState, evaluateConditionsWithin, type EvaluationOptions } from './condition-pool.js';
export * from './limits.js';
