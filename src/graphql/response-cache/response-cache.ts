import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HTTPGraphQLResponse } from '@apollo/server';
import { currentTraceIds, recordReplayedOperation, recordResponseCache } from '../../telemetry/index.js';
import { AnswerDependencies, collectAnswerDependencies } from './answer-dependencies.js';
import { mediaTypeOf } from '../http/read-body.js';
import { StoredAnswers, type StoredAnswer } from './stored-answers.js';

/**
 * Request bodies larger than this are executed every time. A verification query is well under 1 KiB;
 * the bound keeps keys (which are the bodies) from taking the space meant for answers.
 */
export const MAX_REPLAY_BODY_BYTES = 16 * 1024;

export interface ResponseCacheOptions {
  readonly maxEntries: number;
  readonly maxBytes: number;
  /**
   * Longest time an answer is replayed even when it read nothing that expires sooner (a query that
   * only parses its arguments, or introspection). The server passes the verdict TTL.
   */
  readonly maxAgeMs: number;
  /**
   * Changes whenever process state that answers read without going through the cache changes (the
   * index-membership record behind `hint`); answers stored under another value are not replayed.
   */
  readonly generation: () => number;
  readonly now?: () => number;
}

/**
 * Whole-answer reuse for identical GraphQL requests — the warm path of a platform portal asking
 * about the same images over and over.
 *
 * Correctness argument, in short: an answer is stored only when its execution read nothing but cache
 * hits (see `AnswerDependencies`), and replayed only until the earliest of those entries expires,
 * under the same process state. Until then, executing the query again would read the same entries
 * and so produce the same answer; replaying it serves exactly that, minus the work. Every answer is
 * still authenticated and counted, and carries this request's own trace id.
 *
 * The key is the request itself — content type, `Accept` (it picks the response content type) and
 * the exact body bytes — for `POST` with a JSON body only. Those are the requests Apollo's CSRF
 * prevention always lets through, so a replay can never serve what Apollo would have refused. Two
 * bodies that differ in whitespace are simply two keys. Caller credentials are not part of the key:
 * they decide whether a request is served at all (checked before this), never what the answer says.
 */
export class ResponseCache {
  private readonly answers: StoredAnswers;
  private readonly now: () => number;

  constructor(private readonly options: ResponseCacheOptions) {
    this.now = options.now ?? Date.now;
    this.answers = new StoredAnswers(
      { maxEntries: options.maxEntries, maxBytes: options.maxBytes },
      this.now,
    );
  }

  /**
   * The replay key of a request (`search` is its query string), or undefined when such a request is
   * always executed.
   */
  keyFor(req: IncomingMessage, body: Buffer, search: string): string | undefined {
    if (req.method !== 'POST' || body.length === 0 || body.length > MAX_REPLAY_BODY_BYTES) return undefined;
    const contentType = req.headers['content-type'];
    // `application/json` with any parameters; `+json` suffixes are left to Apollo every time.
    if (contentType === undefined || mediaTypeOf(contentType) !== 'application/json') return undefined;
    // latin1 maps every byte to one character: the key is the exact bytes, not a decoding of them.
    return `${search}\n${contentType}\n${req.headers.accept ?? ''}\n${body.toString('latin1')}`;
  }

  /**
   * Answers the request from a stored answer when there is a current one and returns it; undefined
   * when the caller must execute the request. Needs the request's trace id (every answer carries its
   * own). `startedAt` (`performance.now()`) is when the request reached the GraphQL handler.
   */
  replay(key: string, res: ServerResponse, startedAt: number): StoredAnswer | undefined {
    const traceId = currentTraceIds()?.traceId;
    if (traceId === undefined) return undefined;
    const answer = this.answers.get(key, this.options.generation());
    if (answer === undefined) return undefined;
    // Only 200 answers are kept (see `keep`).
    res.statusCode = 200;
    for (const [name, value] of answer.headers) res.setHeader(name, value);
    res.end(answer.bodyBeforeTraceId + traceId + answer.bodyAfterTraceId);
    recordResponseCache('hit');
    recordReplayedOperation(answer.operation, startedAt);
    return answer;
  }

  /** Runs `execute` (Apollo) collecting what it depends on, and keeps its answer when it may be replayed. */
  async execute(key: string, execute: () => Promise<HTTPGraphQLResponse>): Promise<HTTPGraphQLResponse> {
    const generation = this.options.generation();
    const dependencies = new AnswerDependencies();
    const response = await collectAnswerDependencies(dependencies, execute);
    // Membership changed while this ran: the answer may have read either state.
    if (this.options.generation() !== generation) dependencies.refuse('state-changed');
    const kept = this.keep(key, response, dependencies, generation);
    recordResponseCache(kept ? 'stored' : 'not_reusable');
    return response;
  }

  /** Stores a replayable answer; false when it may not be replayed or could not be split. */
  private keep(
    key: string,
    response: HTTPGraphQLResponse,
    dependencies: AnswerDependencies,
    generation: number,
  ): boolean {
    const until = dependencies.reusableUntil(this.now() + this.options.maxAgeMs);
    const operation = dependencies.operation;
    const traceId = currentTraceIds()?.traceId;
    if (until === undefined || operation === undefined || traceId === undefined) return false;
    // Only complete 200 answers: anything else was an error or is streamed.
    if ((response.status ?? 200) !== 200 || response.body.kind !== 'complete') return false;
    const body = response.body.string;
    // The trace id is the last thing in the answer (`extensions` follow `data`); a string in the data
    // cannot end in the same 32 random hex digits except by a 2^-128 chance.
    const marker = `"traceId":"${traceId}"`;
    const at = body.lastIndexOf(marker);
    if (at < 0) return false;
    const split = at + marker.length - traceId.length - 1;
    return this.answers.set(key, {
      headers: [...response.headers],
      bodyBeforeTraceId: body.slice(0, split),
      bodyAfterTraceId: body.slice(split + traceId.length),
      expiresAt: until,
      generation,
      operation,
    });
  }
}
