import { LruMap } from '../../collections/lru-map.js';
import type { AnsweredOperation } from './answer-dependencies.js';

/**
 * One GraphQL answer kept for replay (always a 200): Apollo's headers and body exactly as it sent
 * them, with the body split around the trace id (the only part that differs from one request to the
 * next).
 */
export interface StoredAnswer {
  readonly headers: readonly (readonly [string, string])[];
  readonly bodyBeforeTraceId: string;
  readonly bodyAfterTraceId: string;
  /** Not replayed from this moment on (`Date.now()` clock). */
  readonly expiresAt: number;
  /** The process state it was computed under (see `StoredAnswers.get`). */
  readonly generation: number;
  readonly operation: AnsweredOperation;
}

export interface StoredAnswerLimits {
  /** At most this many answers. */
  readonly maxEntries: number;
  /** At most this many bytes of keys and bodies (UTF-16 code units × 2). */
  readonly maxBytes: number;
}

function weigh(key: string, answer: StoredAnswer): number {
  return 2 * (key.length + answer.bodyBeforeTraceId.length + answer.bodyAfterTraceId.length) + 256;
}

/**
 * The replayable answers, by request key: a least-recently-used map bounded by entries and bytes, so
 * it stays flat however many distinct queries arrive. Process-local on purpose: an answer is only as
 * good as the entries it was computed from, and those were checked by this process.
 */
export class StoredAnswers {
  private readonly answers: LruMap<string, StoredAnswer>;
  private readonly maxAnswerBytes: number;

  constructor(
    limits: StoredAnswerLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.answers = new LruMap({ maxEntries: limits.maxEntries, weigh, maxWeight: limits.maxBytes });
    // One large answer (a fleet listing) must not evict every small one to make room for itself.
    this.maxAnswerBytes = limits.maxBytes / 16;
  }

  get size(): number {
    return this.answers.size;
  }

  /**
   * The answer stored for `key`, unless it expired or was computed under another `generation` of the
   * process state that answers depend on without going through the cache (the index-membership
   * record behind `hint`): either way it is dropped and the caller executes the query.
   */
  get(key: string, generation: number): StoredAnswer | undefined {
    const answer = this.answers.get(key);
    if (answer === undefined) return undefined;
    if (answer.expiresAt <= this.now() || answer.generation !== generation) {
      this.answers.delete(key);
      return undefined;
    }
    return answer;
  }

  /** Keeps `answer` unless it has already expired or is too large to be worth the space. */
  set(key: string, answer: StoredAnswer): boolean {
    if (answer.expiresAt <= this.now() || weigh(key, answer) > this.maxAnswerBytes) return false;
    this.answers.set(key, answer);
    return true;
  }
}
