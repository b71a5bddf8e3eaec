import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { freePort } from '../../test/support/registry/index.js';

/**
 * The service as its own process (`node --import tsx src/main.ts`, as main-process.test.ts starts it),
 * so its resident memory is its own and not the load generator's. Output is drained into a bounded
 * tail (an undrained pipe would block the child once full).
 */
export interface ServiceProcess {
  readonly url: string;
  readonly pid: number;
  /**
   * Resident set size and V8 heap in use, in bytes, from the service's own `/metrics`
   * (`process_resident_memory_bytes`, `nodejs_heap_size_used_bytes`).
   */
  memory(): Promise<{ readonly rss: number; readonly heapUsed: number }>;
  /** Whether the process is still running. */
  alive(): boolean;
  /** The last few KiB of its output, for a report when it misbehaved. */
  tail(): string;
  stop(): Promise<number | null>;
}

export async function startServiceProcess(options: {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}): Promise<ServiceProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: options.cwd,
    env: {
      ...process.env,
      IMPRIMATUR_HOST: '127.0.0.1',
      IMPRIMATUR_PORT: String(port),
      IMPRIMATUR_LOG_LEVEL: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_192);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const alive = () => child.exitCode === null && child.signalCode === null;

  // Bounded wait for /healthz: tsx compiles the sources first, which takes seconds on a busy machine.
  const deadline = Date.now() + 60_000;
  for (let attempt = 0; ; attempt++) {
    if (!alive()) throw new Error(`service exited during start-up (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline || attempt > 600) {
      child.kill('SIGKILL');
      throw new Error(`service did not answer /healthz within 60 s:\n${output}`);
    }
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    pid: child.pid ?? -1,
    async memory() {
      const text = await (await fetch(`${url}/metrics`)).text();
      const gauge = (name: string) => {
        const value = new RegExp(`^${name}\\s+([0-9.e+]+)`, 'm').exec(text)?.[1];
        return value === undefined ? undefined : Number(value);
      };
      const heapUsed = gauge('nodejs_heap_size_used_bytes') ?? Number.NaN;
      const rss = gauge('process_resident_memory_bytes');
      if (rss !== undefined) return { rss, heapUsed };
      // prom-client reports RSS on Linux; should it not, the kernel's figure is the same thing.
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const kib = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
      if (kib === undefined) throw new Error('cannot read the service RSS');
      return { rss: Number(kib) * 1024, heapUsed };
    },
    alive,
    tail: () => output,
    async stop() {
      if (!alive()) return child.exitCode;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
