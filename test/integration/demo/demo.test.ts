import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/paths.js';
import { freePort } from '../../support/registry/index.js';

/**
 * `npm run demo` as a user runs it: a real child process (tsx loading scripts/demo.ts), its own
 * docker-registry, the service on the PORT we choose. The test only uses what the demo prints, so a
 * query that stops working as printed fails here.
 */
const READY_TIMEOUT_MS = 45_000;

interface RunningDemo {
  readonly child: ChildProcess;
  readonly port: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startDemo(port: number): RunningDemo {
  // `node --import tsx` rather than the tsx CLI: one process, so the signal we send is the one the demo gets.
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port), REGISTRY_PORT: '0', IMPRIMATUR_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, port, output: () => text, exited };
}

/** Waits until /healthz answers 200 and the guide (printed after the self-check) is complete. */
async function waitUntilReady(demo: RunningDemo): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (demo.child.exitCode !== null) throw new Error(`demo exited early:\n${demo.output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${demo.port}/healthz`);
      if (res.ok && demo.output().includes('\ncurl ')) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`demo did not become ready:\n${demo.output()}`);
}

/** A printed query: from `query <name> {` to the first `}` alone on a line. */
function printedQuery(output: string, name: string): string {
  const match = new RegExp(`^query ${name} \\{[\\s\\S]*?^\\}$`, 'm').exec(output);
  if (match === null) throw new Error(`query ${name} not printed:\n${output}`);
  return match[0];
}

describe('npm run demo', () => {
  let demo: RunningDemo;

  beforeAll(async () => {
    demo = startDemo(await freePort());
    await waitUntilReady(demo);
  }, READY_TIMEOUT_MS + 5_000);
  afterAll(() => {
    if (demo?.child.exitCode === null) demo.child.kill('SIGKILL');
  });

  it('prints the GraphiQL URL on the chosen port and a curl for the same service', () => {
    expect(demo.output()).toContain(`http://127.0.0.1:${demo.port}/graphql`);
    expect(demo.output()).toMatch(new RegExp(`^curl -s http://127\\.0\\.0\\.1:${demo.port}/graphql `, 'm'));
    expect(demo.output()).toContain(`http://127.0.0.1:${demo.port}/trust?image=`);
  });

  it("prints each example's outcome as it runs it: status, signer identities, cosign's message", () => {
    const out = demo.output();
    expect(out).toMatch(
      /^ {2}VerifyIndex → VERIFIED\n {6}SIMPLE_SIGNING verified: https:\/\/github\.com\/acme\/widget\//m,
    );
    expect(out).toMatch(/^ {2}VerifyPlatformDigest → UNSIGNED\n {6}NO_SIGNATURES: no signatures found$/m);
    expect(out).toMatch(/^ {2}WrongIssuer → FAILED$/m);
    expect(out).toContain(
      'ISSUER_MISMATCH: expected issuer value "https://accounts.google.com", got "https://token.actions.githubusercontent.com"',
    );
    // Printed before the guide: the outcomes are what the self-check saw, not a later re-run.
    expect(out.indexOf('VerifyIndex → VERIFIED')).toBeLessThan(out.indexOf('imprimatur demo is running'));
  });

  it('answers the printed index query with VERIFIED and both signature formats', async () => {
    const res = await fetch(`http://127.0.0.1:${demo.port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: printedQuery(demo.output(), 'VerifyIndex') }),
    });
    expect(res.status).toBe(200);
    type Reply = {
      data: {
        image: {
          verification: {
            status: string;
            verified: boolean;
            signatures: { signature: { format: string } }[];
          };
        };
      };
    };
    const { verification } = ((await res.json()) as Reply).data.image;
    expect(verification.status).toBe('VERIFIED');
    expect(verification.verified).toBe(true);
    expect(verification.signatures.map((s) => s.signature.format).sort()).toEqual([
      'SIGSTORE_BUNDLE',
      'SIMPLE_SIGNING',
    ]);
  });

  it("answers GraphiQL's ProvenanceOfIndex tab, as served, with the index's verified SLSA provenance", async () => {
    const examples = await fetch(`http://127.0.0.1:${demo.port}/graphiql/examples.json`);
    expect(examples.status).toBe(200);
    const { tabs } = (await examples.json()) as {
      tabs: { title: string; query: string; variables: Record<string, unknown> }[];
    };
    const tab = tabs.find((t) => t.title === 'ProvenanceOfIndex');
    expect(tab).toBeDefined();
    const res = await fetch(`http://127.0.0.1:${demo.port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: tab?.query, variables: tab?.variables }),
    });
    type Reply = {
      errors?: unknown;
      data: {
        image: {
          attestationVerification: {
            status: string;
            verified: boolean;
            attestations: { verified: boolean; attestation: { provenance: Record<string, unknown> } }[];
          };
        };
      };
    };
    const reply = (await res.json()) as Reply;
    expect(reply.errors).toBeUndefined();
    const v = reply.data.image.attestationVerification;
    expect({ status: v.status, verified: v.verified }).toEqual({ status: 'VERIFIED', verified: true });
    expect(v.attestations).toHaveLength(1);
    expect(v.attestations[0]?.verified).toBe(true);
    expect(v.attestations[0]?.attestation.provenance).toMatchObject({
      builderId: 'https://github.com/acme/widget/.github/workflows/release.yml@refs/tags/v1.2.3',
      sourceRepository: 'https://github.com/acme/widget',
      sourceRef: 'refs/tags/v1.2.3',
      sourceDigest: '0123456789abcdef0123456789abcdef01234567',
      workflow: '.github/workflows/release.yml',
      trigger: 'push',
    });
  });

  it('stops cleanly on SIGINT: exit code 0, port closed, temporary directories removed', async () => {
    const tempDirs = /^ {2}Temp dirs {4}(.+)$/m.exec(demo.output())?.[1]?.split(', ') ?? [];
    expect(tempDirs).toHaveLength(2);
    for (const dir of tempDirs) expect(existsSync(dir)).toBe(true);

    demo.child.kill('SIGINT');
    const { code, signal } = await demo.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    for (const dir of tempDirs) expect(existsSync(dir)).toBe(false);
    await expect(fetch(`http://127.0.0.1:${demo.port}/healthz`)).rejects.toThrow();
  });
});
