import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/paths.js';
import { POLICY, startFaultWorld, type FaultWorld } from './world.js';

/**
 * `IMPRIMATUR_TRUSTED_ROOT` that cannot be trusted, against the real process (`src/main.ts` through
 * tsx, as main-process.test.ts starts it): missing, garbage, or a root whose every authority has
 * expired. The process must exit non-zero before listening, with a log line naming the file and the
 * problem: a service running with no trust (or silently with the embedded root) is the failure.
 * Then the same process started with the good root serves a verified answer: the fix is the config.
 */
interface Outcome {
  readonly code: number | null;
  readonly output: string;
  /** The `url` of the "imprimatur listening" line, if the process got that far. */
  readonly url: string | undefined;
}

function startProcess(
  env: Record<string, string>,
  stopWhenListening: boolean,
): Promise<Outcome & { kill(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      IMPRIMATUR_HOST: '127.0.0.1',
      IMPRIMATUR_PORT: '0',
      IMPRIMATUR_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const kill = () => void (child.exitCode === null && child.kill('SIGKILL'));
  return new Promise((resolve) => {
    // Bounded: a process that neither exits nor listens within 30 s is reported as such.
    const timer = setTimeout(() => {
      kill();
      resolve({
        code: null,
        output: `${output}\n<no exit and no listening line within 30 s>`,
        url: undefined,
        kill,
      });
    }, 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const listening =
        /"url":"(http:\/\/127\.0\.0\.1:\d+)".*"msg":"imprimatur listening"|"msg":"imprimatur listening".*"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(
          output,
        );
      if (listening !== null && stopWhenListening) {
        clearTimeout(timer);
        resolve({ code: null, output, url: listening[1] ?? listening[2], kill });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, url: undefined, kill });
    });
  });
}

describe('when the trusted root cannot be trusted', { timeout: 45_000 }, () => {
  let world: FaultWorld;
  let dir: string;
  beforeAll(async () => {
    world = await startFaultWorld(['trust/app']);
    dir = await mkdtemp(join(tmpdir(), 'imprimatur-trust-'));
  });
  afterAll(async () => {
    await world?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  async function expectRefusesToStart(path: string, problem: RegExp): Promise<void> {
    const outcome = await startProcess({ IMPRIMATUR_TRUSTED_ROOT: path }, false);
    expect(outcome.code, outcome.output).toBe(1);
    expect(outcome.output).not.toContain('imprimatur listening');
    expect(outcome.output).toContain('imprimatur failed to start');
    expect(outcome.output).toContain(path);
    expect(outcome.output).toMatch(problem);
  }

  it('exits 1 at start-up naming the file when IMPRIMATUR_TRUSTED_ROOT does not exist', async () => {
    await expectRefusesToStart(join(dir, 'missing', 'trusted_root.json'), /cannot read trusted root.*ENOENT/);
  });

  it('exits 1 at start-up saying the file is not JSON when it holds garbage', async () => {
    const path = join(dir, 'garbage.json');
    await writeFile(path, '\u0000\u00ffnot a trusted root {{{');
    await expectRefusesToStart(path, /not valid JSON/);
  });

  it('exits 1 at start-up saying no authority is valid when every one has expired', async () => {
    const path = join(dir, 'expired.json');
    const expired = world.sigstore.trustedRootWith({ validUntil: new Date(Date.now() - 86_400_000) });
    await writeFile(path, JSON.stringify(expired));
    await expectRefusesToStart(path, /no certificate authority valid/);
  });

  it('starts with the good root, answers /healthz and verifies the signed image', async () => {
    const [image] = world.images;
    const started = await startProcess(
      { IMPRIMATUR_TRUSTED_ROOT: world.trustedRootPath, IMPRIMATUR_INSECURE_REGISTRIES: world.proxy.host },
      true,
    );
    try {
      expect(started.url, started.output).toBeDefined();
      expect((await fetch(`${started.url}/healthz`)).status).toBe(200);
      const res = await fetch(`${started.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: `query($ref: String!, $policy: PolicyInput!) {
            image(ref: $ref) { verification(policy: $policy) { verified status } } }`,
          variables: { ref: image!.ref, policy: POLICY },
        }),
      });
      const body = (await res.json()) as { data?: { image: { verification: unknown } } };
      expect(body.data?.image.verification).toEqual({ verified: true, status: 'VERIFIED' });
    } finally {
      started.kill();
    }
  });
});
