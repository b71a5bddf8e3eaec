import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from './paths.js';

/**
 * `src/main.ts` as a real process (through tsx, as `npm run dev` runs it), configured by environment
 * variables, with everything it writes kept: for tests about what reaches the log.
 */
export interface ServiceProcess {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** The JSON log lines written to stdout so far. */
  logLines(): Record<string, unknown>[];
  stop(): Promise<void>;
}

export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, IMPRIMATUR_HOST: '127.0.0.1', IMPRIMATUR_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const logLines = () =>
    stdout
      .split('\n')
      .slice(0, -1) // the last piece is an unfinished line, or empty
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not listening after 30 s: ${stdout}${stderr}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const listening = logLines().find((line) => line.msg === 'imprimatur listening');
      if (typeof listening?.url === 'string') {
        clearTimeout(timer);
        resolve(listening.url);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code}: ${stdout}${stderr}`));
    });
  });
  return {
    url,
    output: () => stdout + stderr,
    logLines,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
