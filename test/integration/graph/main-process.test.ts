import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/paths.js';

/**
 * `src/main.ts` as a real process (through tsx, as `npm run dev` would run it): configuration from
 * the environment, pino logs on stdout, graceful stop on SIGTERM.
 */
describe('the service process', () => {
  let child: ChildProcess;
  let url: string;
  const lines: string[] = [];

  beforeAll(async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        IMPRIMATUR_HOST: '127.0.0.1',
        IMPRIMATUR_PORT: '0',
        IMPRIMATUR_LOG_LEVEL: 'info',
        // No TUF refresh towards the public-good mirror from a test (only loopback is reachable).
        IMPRIMATUR_TRUST_ROOT_SOURCE: 'embedded',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "listening" log line: ${lines.join('\n')}`)),
        30_000,
      );
      child.stdout?.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          lines.push(line);
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === 'imprimatur listening' && entry.url !== undefined) {
            clearTimeout(timer);
            resolve(entry.url);
          }
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${lines.join('\n')}`)));
    });
  }, 40_000);
  afterAll(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
  });

  it('serves /healthz and answers a GraphQL query for a bad reference with INVALID_REFERENCE', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ image(ref: "UPPER/case") { digest } }' }),
    });
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('INVALID_REFERENCE');
  });

  it('stops gracefully on SIGTERM with exit code 0', async () => {
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(lines.some((line) => line.includes('"msg":"stopped"'))).toBe(true);
  });
});

describe('the service process with invalid configuration', () => {
  it('exits 1 and logs which variable is wrong', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, IMPRIMATUR_PORT: 'not-a-port' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(output).toContain('IMPRIMATUR_PORT');
  });
});
