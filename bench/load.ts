import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

const run = promisify(execFile);
const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

export interface LoadOptions {
  readonly url: string;
  /** POST body, sent unchanged on every request. */
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly connections: number;
  readonly durationSeconds: number;
}

export interface LoadResult {
  /** autocannon's mean of its per-second request counts. */
  readonly requestsPerSecond: number;
  readonly total: number;
  /** Answers that were not 2xx, and connection errors/timeouts: a valid run has none. */
  readonly non2xx: number;
  readonly errors: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
}

/** The part of autocannon's `--json` result the bench reads. */
interface AutocannonJson {
  readonly requests: { readonly average: number; readonly total: number };
  readonly latency: { readonly p50: number; readonly p99: number };
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}

/**
 * Runs autocannon in its own process. In-process, the load generator would share the event loop
 * (and its GC pauses) with the server it measures; as a child it competes only for CPU, as a real
 * client on the same machine would, and equally for the service and the baseline.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const args = [
    AUTOCANNON,
    '--json',
    '-c',
    String(options.connections),
    '-d',
    String(options.durationSeconds),
    '-m',
    'POST',
    '-b',
    options.body,
  ];
  for (const [name, value] of Object.entries(options.headers)) args.push('-H', `${name}=${value}`);
  args.push(options.url);
  const { stdout } = await run(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 });
  const lastLine = stdout.trim().split('\n').at(-1) ?? '';
  const result = JSON.parse(lastLine) as AutocannonJson;
  return {
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
  };
}

/** A run with failed requests measured something other than answers: it is an error, not a figure. */
export function answeredAll(result: LoadResult): LoadResult {
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`load run had ${result.non2xx} non-2xx answers and ${result.errors} errors`);
  }
  return result;
}
