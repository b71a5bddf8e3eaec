/**
 * `npm run demo`: a private signed world on this machine and the service in front of it, so the
 * GraphQL graph can be explored with no cloud registry, no Sigstore account and no network.
 *
 * 1. Debian's `docker-registry` on a random loopback port (temporary storage).
 * 2. A private test Sigstore (test/support/sigstore) signs a multi-platform index in both cosign
 *    formats, with signed SLSA provenance and OpenVEX attestations and a signed SPDX SBOM of one
 *    platform, plus an unsigned image and one signed by another identity (scripts/demo/world.ts).
 * 3. The service, in this process, trusting exactly that test Sigstore (its trusted_root.json written
 *    to a temporary directory, as an operator would configure IMPRIMATUR_TRUSTED_ROOT), on 127.0.0.1
 *    port 4000 or PORT.
 * 4. A self-check runs the printed queries before printing them, then the guide is printed.
 *
 * Ctrl-C / SIGTERM stops the service and the registry and removes every temporary directory.
 *
 * The registry listens on 127.0.0.1:5000 (REGISTRY_PORT; 0 = any free port), so the README's
 * quick-start commands can name the demo's images literally.
 *
 *   npm run demo            # PORT=4100 REGISTRY_PORT=5100 npm run demo
 */
// type-graphql reads decorator metadata through this polyfill; it must load before any decorated class.
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import { loadConfig, type Config } from '../src/config/index.js';
import { createGraphiQLHandler } from '../src/graphiql/index.js';
import { createServer } from '../src/server.js';
import { REGISTRY_BINARY, startTestRegistry } from '../test/support/registry/index.js';
import { createTestSigstore } from '../test/support/sigstore/index.js';
import { guideText } from './demo/guide.js';
import { ensureGraphiQLBundle, isExecutable } from './demo/prerequisites.js';
import { answeredStatus, outcomeLines, type DemoAnswer } from './demo/outcome.js';
import { ATTESTATION_TAB_STATUS, attestationTabs } from './demo/attestation-tabs.js';
import { demoExampleTabs, demoQueries } from './demo/queries.js';
import { pushDemoWorld, type DemoWorld } from './demo/world.js';

/** How long stopping may take before the demo exits anyway (a wedged child must not hang the shell). */
const STOP_TIMEOUT_MS = 10_000;

/** Where the demo registry listens unless REGISTRY_PORT says otherwise: the README's commands name it. */
const DEFAULT_REGISTRY_PORT = 5000;

/** REGISTRY_PORT, checked like the service's own settings: a bad value names the variable. */
function registryPort(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_REGISTRY_PORT;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new Error(`REGISTRY_PORT must be a port number (0-65535, 0 = any free port), got "${value}"`);
  }
  return port;
}

/**
 * Fails when something already listens on the port: otherwise the health check of the registry we
 * start could be answered by that other process, and the demo would push into it.
 */
async function assertPortFree(port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** Things to undo on exit, newest first: the service before the registry it reads from. */
const cleanups: (() => Promise<void>)[] = [];
let stopping = false;

async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup();
    } catch (error) {
      // Keep going: one failed step must not leave the registry running or a directory behind.
      console.error(`demo: cleanup step failed: ${(error as Error).message}`);
    }
  }
}

function exitAfterCleanup(code: number): void {
  if (stopping) return;
  stopping = true;
  setTimeout(() => {
    console.error('demo: stopping timed out, exiting anyway');
    process.exit(1);
  }, STOP_TIMEOUT_MS).unref();
  void cleanUp().then(() => process.exit(code));
}

/** Demo configuration: built from defaults, not the caller's IMPRIMATUR_* environment, so it is the same everywhere. */
function demoConfig(registryHost: string, trustedRootPath: string, authDir: string): Config {
  const base = loadConfig({ PORT: process.env.PORT });
  return {
    ...base,
    // Loopback only: the demo trusts a private test CA and must not be reachable from elsewhere.
    host: '127.0.0.1',
    logLevel: process.env.IMPRIMATUR_LOG_LEVEL ?? 'warn',
    registry: {
      ...base.registry,
      insecureRegistries: [registryHost],
      // A path that does not exist: no credentials of the user's ~/.docker/config.json are ever read.
      authFile: join(authDir, 'no-credentials.json'),
    },
    verification: { ...base.verification, trustedRootPath },
  };
}

/** One example the demo runs before printing its guide: a printed query or a GraphiQL tab. */
interface SelfCheck {
  readonly name: string;
  readonly text: string;
  readonly variables?: Readonly<Record<string, unknown>>;
  readonly expectedStatus: string;
}

/**
 * Runs each query over HTTP exactly as printed (or served, for GraphiQL's tabs) and prints what it
 * answered as it goes; the guide is only printed when all give the status they promise.
 */
async function selfCheck(graphqlUrl: string, checks: readonly SelfCheck[]): Promise<void> {
  for (const check of checks) {
    const res = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: check.text, variables: check.variables }),
    });
    const answer = (await res.json()) as DemoAnswer;
    console.log(outcomeLines(check.name, answer).join('\n'));
    const status = answeredStatus(answer);
    if (status !== check.expectedStatus) {
      throw new Error(
        `self-check: ${check.name} answered ${status ?? JSON.stringify(answer)}, expected ${check.expectedStatus}`,
      );
    }
  }
}

/** The attestation tabs GraphiQL serves, as self-checks; one without an expected status is a demo bug. */
function attestationTabChecks(world: DemoWorld): SelfCheck[] {
  return attestationTabs(world).map((tab) => {
    const expectedStatus = ATTESTATION_TAB_STATUS[tab.title];
    if (expectedStatus === undefined) throw new Error(`demo tab ${tab.title} has no expected status`);
    return { name: tab.title, text: tab.query, variables: tab.variables, expectedStatus };
  });
}

async function main(): Promise<void> {
  // `on`, not `once`: a second Ctrl-C (or tsx relaying the one the terminal already delivered) must
  // not fall back to Node's default of dying on the spot, leaving the registry and temp dirs behind.
  process.on('SIGINT', () => exitAfterCleanup(0));
  process.on('SIGTERM', () => exitAfterCleanup(0));

  if (!(await isExecutable(REGISTRY_BINARY))) {
    console.error(
      `demo: ${REGISTRY_BINARY} (Debian's CNCF distribution registry) is not installed. Install it with:`,
    );
    console.error('  sudo apt-get install -y docker-registry');
    process.exit(1);
  }
  const bundle = await ensureGraphiQLBundle();
  if (bundle !== 'present') console.log(`demo: ${bundle} the GraphiQL bundle in dist/`);

  const port = registryPort(process.env.REGISTRY_PORT);
  const registry = await assertPortFree(port)
    .then(() => startTestRegistry({ port }))
    .catch((error: unknown) => {
      throw new Error(
        `the demo registry could not listen on 127.0.0.1:${port} (choose another with REGISTRY_PORT=<port> npm run demo): ${(error as Error).message}`,
      );
    });
  cleanups.push(() => registry.stop());
  const dir = await mkdtemp(join(tmpdir(), 'imprimatur-demo-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));

  const sigstore = createTestSigstore();
  const trustedRootPath = await sigstore.writeTrustedRoot(dir);
  const world = await pushDemoWorld(sigstore, registry.url, registry.host);

  const config = demoConfig(registry.host, trustedRootPath, dir);
  // GraphiQL opens on tabs about this world (its registry, its signer), not the walkthrough's
  // Docker Hub images, which the demo's offline, private-root service could never verify.
  const graphiql = createGraphiQLHandler({ exampleTabs: demoExampleTabs(world) });
  const server = await createServer(config, { logger: pino({ level: config.logLevel }), graphiql });
  cleanups.push(() => server.stop());
  const { url } = await server.listen();

  const queries = demoQueries(world);
  // Also warms the service: the platform query's hint names an index only once the service has
  // seen that index, and query 1 (run first) is what shows it.
  console.log('demo: running the example queries against the demo world:');
  await selfCheck(`${url}/graphql`, queries);
  console.log("demo: and GraphiQL's attestation tabs (provenance, SBOM, VEX, CEL conditions):");
  await selfCheck(`${url}/graphql`, attestationTabChecks(world));

  const tempDirs = [dir, dirname(registry.storageRoot)];
  console.log(
    guideText({ serviceUrl: url, registryUrl: registry.url, trustedRootPath, tempDirs, world, queries }),
  );
}

main().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    console.error('demo: the port is in use; choose another with PORT=<port> npm run demo');
  } else {
    console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  }
  exitAfterCleanup(1);
});
