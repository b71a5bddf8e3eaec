import { parse } from '@bufbuild/cel';
import { parentPort, workerData } from 'node:worker_threads';
import { LruMap } from '../../collections/lru-map.js';
import type { CompiledCondition } from './compile-conditions.js';
import { evaluateConditions } from './evaluate-conditions.js';

/**
 * The evaluation worker's entry (condition-pool.ts starts it). It receives expressions the main
 * thread has already compiled and checked, parses them again (a syntax tree does not cross threads
 * as itself: it is protobuf message objects) and evaluates them over the payload. Before each
 * expression it writes that expression's index to the shared progress cell, so when the pool stops
 * this thread at the deadline it can name the expression that was running.
 */
export interface EvaluationRequest {
  readonly texts: readonly string[];
  readonly payload: Uint8Array;
}

const port = parentPort;
if (port === null) throw new Error('condition-worker.ts runs only as a worker thread');
const progress = new Int32Array((workerData as { progress: SharedArrayBuffer }).progress);

/**
 * Parsed expressions by text: the same few policies come again and again (their planned programs
 * are kept beside them, evaluate-conditions.ts). Least recently used go first.
 */
const parsed = new LruMap<string, CompiledCondition>({ maxEntries: 256 });

function compiled(text: string): CompiledCondition {
  let condition = parsed.get(text);
  if (condition === undefined) {
    condition = { text, expr: parse(text).expr };
    parsed.set(text, condition);
  }
  return condition;
}

port.on('message', (request: EvaluationRequest) => {
  const conditions = request.texts.map(compiled);
  port.postMessage(
    evaluateConditions(conditions, request.payload, (index) => Atomics.store(progress, 0, index)),
  );
});
port.postMessage('ready');
