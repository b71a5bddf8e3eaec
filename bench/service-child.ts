// type-graphql reads decorator metadata through this polyfill; it must load before the service does.
import 'reflect-metadata';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import type { Config } from '../src/config/index.js';
import type { ImprimaturServer } from '../src/server.js';
import { benchConfig, type ServiceWorld } from './service-config.js';

/**
 * A child process that starts and stops bench services of one source tree on request (see
 * service-process.ts): `argv[2]` is the checkout whose `src/` to run, this one or a worktree of
 * another commit. The types come from this tree; an older tree's `createServer(config, { logger })`
 * and `loadConfig(env)` are the same calls.
 */
type Request =
  | { readonly start: ServiceWorld & { readonly env: Readonly<Record<string, string>> } }
  | { readonly stop: true };

const root = process.argv[2];
if (root === undefined || process.send === undefined) throw new Error('run by service-process.ts');
const send = process.send.bind(process);
const from = (path: string) => pathToFileURL(join(root, path)).href;
const { loadConfig } = (await import(from('src/config/index.js'))) as {
  loadConfig(env: Record<string, string>): Config;
};
const { createServer } = (await import(from('src/server.js'))) as {
  createServer(config: Config, deps: { logger: unknown }): Promise<ImprimaturServer>;
};

let current: ImprimaturServer | undefined;
process.on('message', (request: Request) => {
  const answer = async (): Promise<unknown> => {
    if ('start' in request) {
      const { env, ...world } = request.start;
      // Also into process.env, for what is read from there directly (OTEL_*, experiments): each side
      // has its own child, so what B is given never reaches A.
      Object.assign(process.env, env);
      current = await createServer(benchConfig(loadConfig({ ...env }), world), {
        logger: pino({ level: 'silent' }),
      });
      return { url: (await current.listen()).url };
    }
    await current?.stop();
    current = undefined;
    return { stopped: true };
  };
  answer().then(send, (error: unknown) => send({ error: String(error) }));
});
send({ ready: true });
