/**
 * Whole-answer replay for identical GraphQL requests whose answers came entirely from the cache; see
 * `ResponseCache` for why a replay is exactly what executing the query would have answered.
 */
export {
  AnswerDependencies,
  collectAnswerDependencies,
  currentAnswerDependencies,
  type AnsweredOperation,
  type NotReusableReason,
} from './answer-dependencies.js';
export { createReusePlugin } from './reuse-plugin.js';
export { MAX_REPLAY_BODY_BYTES, ResponseCache, type ResponseCacheOptions } from './response-cache.js';
export { StoredAnswers, type StoredAnswer, type StoredAnswerLimits } from './stored-answers.js';
export { refusingReplayOnUpstream } from './upstream-guard.js';
