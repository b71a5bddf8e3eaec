import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { REPO_ROOT } from '../../support/paths.js';

/**
 * One replica: `src/main.ts` as its own OS process (through tsx), configured only by its
 * environment, as a pod would be. Replicas share nothing but what the environment names (Redis).
 */
export interface ReplicaProcess {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly pid: number;
  /** Sends `signal` and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  readonly exited: boolean;
}

/** Starts a replica and resolves once it logs that it listens (at most `timeoutMs`). */
export async function startReplica(env: Record<string, string>, timeoutMs = 40_000): Promise<ReplicaProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      IMPRIMATUR_HOST: '127.0.0.1',
      IMPRIMATUR_PORT: '0',
      IMPRIMATUR_LOG_LEVEL: 'info',
      IMPRIMATUR_REGISTRY_AUTH_FILE: '/nonexistent/imprimatur-test/config.json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`replica did not start in ${timeoutMs} ms: ${output.join('').slice(-2000)}`));
    }, timeoutMs);
    let pending = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (output.length < 200) output.push(line);
        let entry: { msg?: string; url?: string };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          continue;
        }
        if (entry.msg === 'imprimatur listening' && entry.url !== undefined) {
          clearTimeout(timer);
          resolve(entry.url);
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`replica exited (${code}) before listening: ${output.join('\n').slice(-2000)}`));
    });
  });
  return {
    url,
    pid: child.pid ?? -1,
    get exited() {
      return child.exitCode !== null || child.signalCode !== null;
    },
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exit = once(child, 'exit');
      child.kill(signal);
      await exit;
    },
  };
}
