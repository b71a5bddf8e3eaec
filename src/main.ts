// type-graphql reads decorator metadata through this polyfill; it must load before any decorated class.
import 'reflect-metadata';
import { pino } from 'pino';
import { loadConfig } from './config/index.js';
import { createServer } from './server.js';
import { createLogger, startTracing } from './telemetry/index.js';

/** How long a graceful stop may take before the process exits anyway (orchestrators kill at ~30 s). */
const STOP_TIMEOUT_MS = 20_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  // Before the server exists, so the first request is already traced. Off unless OTEL_* ask for it.
  const tracing = startTracing({ serviceVersion: process.env.npm_package_version });
  const server = await createServer(config, { logger });
  const { url } = await server.listen();
  logger.info({ url, graphql: `${url}/graphql`, tracing: tracing.exporters }, 'imprimatur listening');
  // Which roots verdicts are computed under, and whether they refresh (docs/trust-roots.md).
  logger.info(
    {
      trustRoots: server.trustRoots.states().map((s) => ({
        name: s.name,
        origin: s.origin ?? null,
        id: s.current?.id ?? null,
        mirror: s.mirror ?? null,
      })),
    },
    'trust roots',
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: draining in-flight requests');
    const forced = setTimeout(() => {
      logger.error('graceful stop timed out, exiting');
      process.exit(1);
    }, STOP_TIMEOUT_MS);
    forced.unref();
    // Spans still buffered are exported before exit; an unreachable collector only delays, never blocks, the exit.
    server
      .stop()
      .then(() =>
        tracing
          .shutdown()
          .catch((error: unknown) => logger.warn({ err: error }, 'trace export on stop failed')),
      )
      .then(
        () => {
          logger.info('stopped');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error }, 'error while stopping');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  // What stops start-up is a setting (its message names the variable), a port in use or not ours to
  // bind, or a trust root that cannot load: the message says which; a stack trace would bury it.
  const { code, message } = error as { code?: unknown; message?: unknown };
  pino().fatal(
    {
      ...(typeof code === 'string' ? { code } : {}),
      error: typeof message === 'string' ? message : String(error),
    },
    'imprimatur failed to start',
  );
  process.exit(1);
});
