import { Worker } from 'node:worker_threads';
import type { VerificationIssue } from '../../verification/index.js';
import type { CompiledCondition } from './compile-conditions.js';
import type { EvaluationRequest } from './condition-worker.js';
import {
  CONDITION_EVALUATION_TIMEOUT_MS,
  CONDITION_QUEUE_WAIT_MS,
  MAX_QUEUED_CONDITION_EVALUATIONS,
  CONDITION_WORKER_HEAP_MB,
  CONDITION_WORKER_START_TIMEOUT_MS,
  CONDITION_WORKERS,
  MAX_CONDITION_INPUT_BYTES,
} from './limits.js';

/** Options of {@link evaluateConditionsWithin}. */
export interface EvaluationOptions {
  /** Wall-clock bound on one evaluation, from when a worker takes it; default {@link CONDITION_EVALUATION_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
  /** Stops the evaluation at once (the worker running it is terminated); the promise rejects with the reason. */
  readonly signal?: AbortSignal;
  /** Most evaluations waiting for a worker; default {@link MAX_QUEUED_CONDITION_EVALUATIONS}. */
  readonly maxQueued?: number;
  /** Longest wait for a worker; default {@link CONDITION_QUEUE_WAIT_MS}. */
  readonly maxWaitMs?: number;
}

/**
 * Evaluates `conditions` over `payload` like {@link evaluateConditions}, but in a worker thread that
 * is terminated at the deadline. @bufbuild/cel evaluates synchronously with no cost hook, and what
 * compile-conditions.ts lets through is linear in the statement but not cheap: one accepted
 * `matches()` over a 250 KB string took 2.2 s here, and a policy may repeat it. Only a thread of its
 * own can be stopped mid-expression, so evaluation never runs on the event loop.
 *
 * A timeout is CONDITION_NOT_EVALUATED naming the expression that was running and the limit, not
 * INVALID_POLICY: whether it finishes in time depends on the statement (the same policy is instant
 * over a small one) and on the machine's load, and by then the registry has been asked. Nor is it
 * CONDITION_FAILED: the expression was not found false, it got no answer, and a client must be able
 * to tell the two apart. The verdict (FAILED: nothing unproven passes) is not cached (src/cache), so
 * a compliant image is not kept failing after a moment of load; the price is that a policy that
 * always times out is evaluated again on each request, within the pool's bounds.
 */
export function evaluateConditionsWithin(
  conditions: readonly CompiledCondition[],
  payload: Uint8Array,
  options: EvaluationOptions = {},
): Promise<VerificationIssue[]> {
  if (conditions.length === 0) return Promise.resolve([]);
  // The worker refuses these too, but copying megabytes to it only to be refused is waste.
  if (payload.byteLength > MAX_CONDITION_INPUT_BYTES) {
    return Promise.resolve([
      {
        code: 'CONDITION_NOT_EVALUATED',
        message: `conditions not evaluated: the in-toto statement is ${payload.byteLength} bytes, more than the ${MAX_CONDITION_INPUT_BYTES} conditions are evaluated over`,
      },
    ]);
  }
  return pool.run(
    {
      texts: conditions.map((c) => c.text),
      payload,
      timeoutMs: options.timeoutMs ?? CONDITION_EVALUATION_TIMEOUT_MS,
      signal: options.signal,
    },
    {
      maxQueued: options.maxQueued ?? MAX_QUEUED_CONDITION_EVALUATIONS,
      maxWaitMs: options.maxWaitMs ?? CONDITION_QUEUE_WAIT_MS,
    },
  );
}

/** What the pool knows of its workers, for tests of its bounds. */
export function conditionPoolState(): { readonly workers: number; readonly queued: number } {
  return { workers: pool.workers, queued: pool.queued };
}

interface Task extends EvaluationRequest {
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
  resolve(issues: VerificationIssue[]): void;
  reject(reason: unknown): void;
  /** Takes the task out of the queue when its signal aborts while it waits. */
  onAbortWhileWaiting?: () => void;
  /** Answers the task as not evaluated when it has waited {@link CONDITION_QUEUE_WAIT_MS}. */
  waitTimer?: ReturnType<typeof setTimeout>;
}

/** One worker thread, its start-up, and the shared cell where it says which expression is running. */
interface Slot {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  readonly progress: Int32Array;
  /** False once terminated or dead: counted out of the pool exactly once. */
  alive: boolean;
}

/**
 * At most {@link CONDITION_WORKERS} threads, started on first use and kept (unref'd: an idle pool
 * does not keep the process alive); tasks beyond them wait in arrival order. A worker that times
 * out, is aborted, runs out of its heap or crashes is terminated and replaced on the next task.
 */
class ConditionPool {
  private readonly idle: Slot[] = [];
  private readonly waiting: Task[] = [];
  private started = 0;

  get workers(): number {
    return this.started;
  }

  get queued(): number {
    return this.waiting.length;
  }

  run(
    request: Omit<Task, 'resolve' | 'reject'>,
    limits: { readonly maxQueued: number; readonly maxWaitMs: number },
  ): Promise<VerificationIssue[]> {
    return new Promise((resolve, reject) => {
      request.signal?.throwIfAborted();
      const task: Task = { ...request, resolve, reject };
      const busy = this.started >= CONDITION_WORKERS && this.idle.length === 0;
      if (busy && this.waiting.length >= limits.maxQueued) {
        resolve(
          notEvaluated(
            task,
            `all ${CONDITION_WORKERS} evaluators are busy and ${limits.maxQueued} evaluations wait`,
          ),
        );
        return;
      }
      this.waiting.push(task);
      if (task.signal !== undefined) {
        task.onAbortWhileWaiting = () => this.dropWaiting(task, () => task.reject(task.signal?.reason));
        task.signal.addEventListener('abort', task.onAbortWhileWaiting, { once: true });
      }
      task.waitTimer = setTimeout(
        () =>
          this.dropWaiting(task, () =>
            task.resolve(notEvaluated(task, `no evaluator was free within ${limits.maxWaitMs} ms`)),
          ),
        limits.maxWaitMs,
      );
      task.waitTimer.unref();
      this.pump();
    });
  }

  /** Takes a task out of the queue (if it is still there) and settles it with `settle`. */
  private dropWaiting(task: Task, settle: () => void): void {
    const at = this.waiting.indexOf(task);
    if (at === -1) return;
    this.waiting.splice(at, 1);
    this.stopWaiting(task);
    settle();
  }

  /** The task leaves the queue: no listener or timer of its wait is left behind. */
  private stopWaiting(task: Task): void {
    clearTimeout(task.waitTimer);
    // The signal may be the service's, shared by every task.
    if (task.onAbortWhileWaiting !== undefined) {
      task.signal?.removeEventListener('abort', task.onAbortWhileWaiting);
    }
  }

  private pump(): void {
    while (this.waiting.length > 0) {
      let slot = this.idle.pop();
      if (slot === undefined) {
        if (this.started >= CONDITION_WORKERS) return;
        slot = this.start();
      }
      const task = this.waiting.shift() as Task;
      this.stopWaiting(task);
      void this.dispatch(slot, task);
    }
  }

  private start(): Slot {
    this.started += 1;
    const progress = new Int32Array(new SharedArrayBuffer(4));
    const entry = workerEntry();
    const worker = new Worker(entry.source, {
      eval: entry.eval,
      workerData: { progress: progress.buffer },
      // A heap of its own: an expression that builds huge strings or lists kills its worker with
      // ERR_WORKER_OUT_OF_MEMORY instead of growing the service's heap.
      resourceLimits: { maxOldGenerationSizeMb: CONDITION_WORKER_HEAP_MB },
    });
    worker.unref();
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`did not start within ${CONDITION_WORKER_START_TIMEOUT_MS} ms`)),
        CONDITION_WORKER_START_TIMEOUT_MS,
      );
      const settle = (error?: Error) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', settle);
        worker.off('exit', onExit);
        if (error === undefined) resolve();
        else reject(error);
      };
      const onMessage = (message: unknown) => {
        if (message === 'ready') settle();
      };
      const onExit = (code: number) => settle(new Error(`exited with code ${code} while starting`));
      worker.on('message', onMessage);
      worker.on('error', settle);
      worker.on('exit', onExit);
    });
    const slot: Slot = { worker, ready, progress, alive: true };
    // A worker that dies while idle (nothing should make it, but a thread can always die) leaves
    // the pool rather than being handed the next task; and an 'error' with no listener would
    // otherwise be thrown in the service's own thread.
    worker.on('error', () => undefined);
    worker.once('exit', () => {
      const at = this.idle.indexOf(slot);
      if (at !== -1) this.idle.splice(at, 1);
      this.discard(slot);
    });
    return slot;
  }

  private async dispatch(slot: Slot, task: Task): Promise<void> {
    try {
      await slot.ready;
    } catch (error) {
      this.discard(slot);
      task.resolve([
        {
          code: 'CONDITION_FAILED',
          message: `conditions not evaluated: the evaluation worker ${(error as Error).message}`,
        },
      ]);
      return;
    }
    if (task.signal?.aborted) {
      if (slot.alive) this.idle.push(slot);
      this.pump();
      task.reject(task.signal.reason);
      return;
    }
    if (!slot.alive) {
      // It died between starting and this task (its exit already counted it out): next in line.
      this.waiting.unshift(task);
      if (task.onAbortWhileWaiting !== undefined) {
        task.signal?.addEventListener('abort', task.onAbortWhileWaiting, { once: true });
      }
      this.pump();
      return;
    }
    // -1 until the worker has read the statement and starts the first expression: a stop before
    // then is not the first expression's doing.
    Atomics.store(slot.progress, 0, READING_STATEMENT);
    const { worker } = slot;
    worker.ref(); // a running evaluation keeps the process alive until it answers or is stopped
    const done = (outcome: { issues: VerificationIssue[] } | { error: unknown }, keep: boolean) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      task.signal?.removeEventListener('abort', onAbort);
      if (keep && slot.alive) {
        worker.unref();
        this.idle.push(slot);
      } else this.discard(slot);
      if ('issues' in outcome) task.resolve(outcome.issues);
      else task.reject(outcome.error);
      this.pump();
    };
    const stopped = (why: string): VerificationIssue[] =>
      stoppedAt(task, Atomics.load(slot.progress, 0), why);
    const onMessage = (issues: VerificationIssue[]) => done({ issues }, true);
    const onError = (error: Error) =>
      done({ issues: stopped(`stopped the evaluator (${error.message})`) }, false);
    const onExit = (code: number) =>
      done({ issues: stopped(`stopped the evaluator (exit code ${code})`) }, false);
    const onAbort = () => done({ error: task.signal?.reason }, false);
    const timer = setTimeout(
      () =>
        done({ issues: stopped(`did not finish within the ${task.timeoutMs} ms evaluation limit`) }, false),
      task.timeoutMs,
    );
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    task.signal?.addEventListener('abort', onAbort, { once: true });
    const request: EvaluationRequest = { texts: task.texts, payload: task.payload };
    worker.postMessage(request);
  }

  /** Terminates a worker that can no longer be trusted to be idle; the next task starts a new one. */
  private discard(slot: Slot): void {
    if (!slot.alive) return;
    slot.alive = false;
    this.started -= 1;
    void slot.worker.terminate();
  }
}

/** Every condition of a task that never reached a worker, and why. */
function notEvaluated(task: Task, why: string): VerificationIssue[] {
  return task.texts.map((text) => ({
    code: 'CONDITION_NOT_EVALUATED' as const,
    message: `condition ${JSON.stringify(text)} was not evaluated: ${why}`,
  }));
}

/** Progress before the first expression starts (the worker is copying and parsing the statement). */
const READING_STATEMENT = -1;

/**
 * The issues of a stopped evaluation: the expression that was running, and those never started
 * (CONDITION_NOT_EVALUATED: no answer, not a false one). Those that finished before it are not
 * listed, failed or not: the worker's answer, which would hold them, never came.
 */
function stoppedAt(task: Task, index: number, why: string): VerificationIssue[] {
  if (index < 0) return notEvaluated(task, `reading the statement ${why}`);
  const running = task.texts[index] ?? '';
  return [
    { code: 'CONDITION_NOT_EVALUATED', message: `condition ${JSON.stringify(running)} ${why}` },
    ...task.texts.slice(index + 1).map((text) => ({
      code: 'CONDITION_NOT_EVALUATED' as const,
      message: `condition ${JSON.stringify(text)} was not evaluated: the evaluation was stopped at ${JSON.stringify(running)}`,
    })),
  ];
}

/**
 * The worker: the compiled `condition-worker.js` beside this module in dist/; or, when this module
 * runs from TypeScript sources (vitest, tsx scripts), a two-line bootstrap that registers tsx in the
 * new thread and imports the `.ts` entry — loader hooks are per thread, and `execArgv: ['--import',
 * 'tsx']` does not reach a worker on Node 20 ("Unknown file extension .ts").
 */
function workerEntry(): { source: URL | string; eval: boolean } {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return { source: new URL('./condition-worker.js', here), eval: false };
  const entry = JSON.stringify(new URL('./condition-worker.ts', here).href);
  return {
    source: `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); });`,
    eval: true,
  };
}

const pool = new ConditionPool();
