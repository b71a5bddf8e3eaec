import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { BenchService } from './service.js';
import type { BenchWorld } from './world.js';

const CHILD = fileURLToPath(new URL('./service-child.ts', import.meta.url));

/** A child process running bench services of one source tree, one at a time. */
export interface ServiceProcess {
  /** A new service in the child, configured from `env` on top of the defaults. */
  start(env: Readonly<Record<string, string>>): Promise<BenchService>;
  close(): Promise<void>;
}

/**
 * Forks service-child.ts (through tsx, like the bench itself) for the checkout at `root`. Requests
 * go one at a time, so each answer is the answer to the last request.
 */
export async function startServiceProcess(world: BenchWorld, root: string): Promise<ServiceProcess> {
  // In the checkout's own directory: tsx applies the tsconfig it finds there (decorators) to its `src/`.
  const child: ChildProcess = fork(CHILD, [root], {
    cwd: root,
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
  });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the service process for ${root} exited (code ${String(code)})`);
  });
  exited.catch(() => undefined);
  const next = async (): Promise<Record<string, unknown>> => {
    const [message] = (await Promise.race([once(child, 'message'), exited])) as [Record<string, unknown>];
    if (typeof message.error === 'string') throw new Error(`service process: ${message.error}`);
    return message;
  };
  try {
    await next();
  } catch (error) {
    child.kill();
    throw error;
  }
  const ask = async (request: unknown) => {
    const answer = next();
    child.send(request as object);
    return answer;
  };
  return {
    async start(env) {
      const { url } = await ask({
        start: { proxyHost: world.proxy.host, trustedRootPath: world.trustedRootPath, env },
      });
      return { url: String(url), stop: async () => void (await ask({ stop: true })) };
    },
    async close() {
      child.kill();
      await exited.catch(() => undefined);
    },
  };
}
