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
    // GraphiQL's attestation tabs run too, each with its verdict; the failing CEL condition is named.
    for (const tab of ['ProvenanceOfIndex', 'SbomOfPlatform', 'VexOfIndex', 'CelConditionPasses']) {
      expect(out).toMatch(new RegExp(`^ {2}${tab} → VERIFIED$`, 'm'));
    }
    expect(out).toMatch(
      /^ {2}CelConditionFails → FAILED\n {6}NO_MATCHING_ATTESTATIONS: .*\n {6}CONDITION_FAILED: condition "predicate\.buildDefinition\.externalParameters\.workflow\.ref == \\"refs\/heads\/main\\"" is false$/m,
    );
    // Printed before the guide: the outcomes are what the self-check saw, not a later re-run.
    const guide = out.indexOf('imprimatur demo is running');
    expect(out.indexOf('VerifyIndex → VERIFIED')).toBeLessThan(guide);
    expect(out.indexOf('CelConditionFails → FAILED')).toBeLessThan(guide);
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

  describe("GraphiQL's tabs, as served, each run against the demo world", () => {
    type Tab = { title: string; query: string; variables: Record<string, unknown> };
    type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    let tabs: Tab[];

    beforeAll(async () => {
      const res = await fetch(`http://127.0.0.1:${demo.port}/graphiql/examples.json`);
      expect(res.status).toBe(200);
      ({ tabs } = (await res.json()) as { tabs: Tab[] });
    });

    /** Runs a tab exactly as GraphiQL would send it, with `overrides` merged into its variables. */
    async function run(title: string, overrides: Record<string, unknown> = {}): Promise<Json> {
      const tab = tabs.find((t) => t.title === title);
      if (tab === undefined) throw new Error(`no tab ${title} in ${tabs.map((t) => t.title).join(', ')}`);
      const res = await fetch(`http://127.0.0.1:${demo.port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: tab.query, variables: { ...tab.variables, ...overrides } }),
      });
      expect(res.status).toBe(200);
      const reply = (await res.json()) as { errors?: unknown; data: Json };
      expect(reply.errors).toBeUndefined();
      return reply.data;
    }

    // Each tab's answer, as its first comment line promises it; a tab without one here fails below.
    const answers: Readonly<Record<string, (data: Json) => void>> = {
      VerifyIndex: (data) => expect(data.image.verification.status).toBe('VERIFIED'),
      VerifyPlatformDigest: (data) => expect(data.image.verification.status).toBe('UNSIGNED'),
      WrongIssuer: (data) =>
        expect(data.image.verification.errors.map((e: Json) => e.code)).toContain('ISSUER_MISMATCH'),
      WrongIdentity: (data) =>
        expect(data.image.verification.errors.map((e: Json) => e.code)).toContain('IDENTITY_MISMATCH'),
      PlatformViaIndex: (data) => expect(data.image.platform.verification.status).toBe('VERIFIED_VIA_INDEX'),
      ProvenanceOfIndex: (data) => {
        const v = data.image.attestationVerification;
        expect({ status: v.status, verified: v.verified }).toEqual({ status: 'VERIFIED', verified: true });
        expect(v.attestations).toHaveLength(1);
        expect(v.attestations[0].verified).toBe(true);
        expect(v.attestations[0].attestation.provenance).toMatchObject({
          builderId: 'https://github.com/acme/widget/.github/workflows/release.yml@refs/tags/v1.2.3',
          sourceRepository: 'https://github.com/acme/widget',
          sourceRef: 'refs/tags/v1.2.3',
          sourceDigest: '0123456789abcdef0123456789abcdef01234567',
          workflow: '.github/workflows/release.yml',
          trigger: 'push',
        });
      },
      SbomOfPlatform: (data) => {
        const platform = data.image.platform;
        expect(platform.attestationVerification).toMatchObject({ status: 'VERIFIED', verified: true });
        expect(platform.attestations).toHaveLength(1);
        expect(platform.attestations[0].source).toBe('LEGACY_TAG');
        const sbom = platform.attestations[0].sbom;
        expect(sbom).toMatchObject({ format: 'SPDX', specVersion: 'SPDX-2.3', componentCount: 72 });
        // The tab filters on "cookie": the two cookie packages of express 4.19.2's tree, nothing else.
        expect(sbom.components).toMatchObject({ totalCount: 2, hasNextPage: false });
        expect(sbom.components.items).toEqual([
          { name: 'cookie', version: '0.6.0', purl: 'pkg:npm/cookie@0.6.0', licenses: ['MIT'] },
          {
            name: 'cookie-signature',
            version: '1.0.6',
            purl: 'pkg:npm/cookie-signature@1.0.6',
            licenses: ['MIT'],
          },
        ]);
      },
      VexOfIndex: (data) => {
        expect(data.image.attestationVerification).toMatchObject({ status: 'VERIFIED', verified: true });
        expect(data.image.attestations).toHaveLength(1);
        const vex = data.image.attestations[0].openVex;
        expect(vex.statementCount).toBe(4);
        const byStatus = Object.fromEntries(vex.statements.map((s: Json) => [s.status, s]));
        expect(Object.keys(byStatus).sort()).toEqual([
          'AFFECTED',
          'FIXED',
          'NOT_AFFECTED',
          'UNDER_INVESTIGATION',
        ]);
        expect(byStatus.NOT_AFFECTED).toMatchObject({
          vulnerability: 'CVE-2024-47764',
          justification: 'vulnerable_code_cannot_be_controlled_by_adversary',
        });
        expect(byStatus.AFFECTED.actionStatement).toMatch(/express 4\.20\.0/);
        // Every statement names the index itself (a pkg:oci purl of its digest) and one npm package of the SBOM.
        const index = /@(sha256:[0-9a-f]{64})$/.exec(tabs[0]?.variables.ref as string)?.[1] ?? '';
        for (const statement of vex.statements) {
          expect(statement.products).toHaveLength(1);
          expect(statement.products[0].id).toContain(`pkg:oci/widget@${index.replace(':', '%3A')}?`);
          expect(statement.products[0].subcomponents[0]).toMatch(/^pkg:npm\//);
        }
      },
      CelConditionPasses: (data) => {
        const v = data.image.attestationVerification;
        expect({ status: v.status, verified: v.verified, errors: v.errors }).toEqual({
          status: 'VERIFIED',
          verified: true,
          errors: [],
        });
        expect(v.attestations[0]).toMatchObject({ verified: true, errors: [] });
      },
      CelConditionFails: (data) => {
        const v = data.image.attestationVerification;
        expect({ status: v.status, verified: v.verified }).toEqual({ status: 'FAILED', verified: false });
        // Only the condition that is false is named; the one that holds (builder id) is not.
        const failed =
          'condition "predicate.buildDefinition.externalParameters.workflow.ref == \\"refs/heads/main\\"" is false';
        expect(v.attestations).toHaveLength(1);
        expect(v.attestations[0].verified).toBe(false);
        expect(v.attestations[0].errors).toEqual([{ code: 'CONDITION_FAILED', message: failed }]);
        expect(v.errors.map((e: Json) => e.code)).toEqual(['NO_MATCHING_ATTESTATIONS', 'CONDITION_FAILED']);
      },
    };

    it('are the walkthrough five, then provenance, SBOM, VEX and the two CEL tabs, each with an answer here', () => {
      expect(tabs.map((t) => t.title)).toEqual(Object.keys(answers));
    });

    it.each(Object.keys(answers))('%s answers as its comment says', async (title) => {
      answers[title]?.(await run(title));
    });

    it('SbomOfPlatform pages all 72 components in document order: endCursor fetches the next page', async () => {
      const page = async (after: string | null) =>
        (await run('SbomOfPlatform', { nameContains: null, first: 40, after })).image.platform.attestations[0]
          .sbom.components;
      const first = await page(null);
      expect(first).toMatchObject({ totalCount: 72, hasNextPage: true });
      expect(first.items).toHaveLength(40);
      const second = await page(first.endCursor);
      expect(second).toMatchObject({ totalCount: 72, hasNextPage: false });
      expect(second.items).toHaveLength(32);
      const names = [...first.items, ...second.items].map((c: Json) => `${c.name}@${c.version}`);
      expect(new Set(names).size).toBe(72);
      expect(names[0]).toBe('widget@1.2.3');
      expect(names).toContain('express@4.19.2');
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
