import { build } from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The condition worker as it runs in production: compiled JavaScript, no tsx. Everything else tests
 * it from TypeScript sources, where the pool starts it through a tsx bootstrap; a mistake in the
 * `.js` path (the entry's name, a module it cannot load without tsx) would only show in the built
 * service. So `src/` is transpiled file by file, keeping dist/'s layout (as `tsc` emits it, minus
 * the type check), into a directory inside the checkout whose imports resolve against node_modules,
 * and the compiled pool is asked to evaluate.
 */
interface CompiledConditionsModule {
  compileConditions(texts: string[]): unknown[];
  evaluateConditionsWithin(conditions: unknown[], payload: Uint8Array, options?: object): Promise<unknown[]>;
}

/** Files under `dir` whose names end with `suffix`, tests excluded. */
function filesOf(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesOf(path, suffix);
    return name.endsWith(suffix) && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('CEL conditions evaluated by the compiled worker (no tsx)', () => {
  let out: string;
  let compiled: CompiledConditionsModule;

  beforeAll(async () => {
    await mkdir('test-artifacts', { recursive: true });
    out = await mkdtemp(join(process.cwd(), 'test-artifacts', 'condition-worker-js-'));
    await build({
      entryPoints: filesOf('src', '.ts'),
      outbase: 'src',
      outdir: out,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      bundle: false,
      logLevel: 'silent',
    });
    // tsc copies the JSON modules it resolves (the embedded trust root), so does this.
    for (const json of filesOf('src', '.json')) {
      await mkdir(dirname(join(out, relative('src', json))), { recursive: true });
      await copyFile(json, join(out, relative('src', json)));
    }
    compiled = (await import(
      pathToFileURL(join(out, 'attestations/conditions/index.js')).href
    )) as CompiledConditionsModule;
  });
  afterAll(async () => {
    if (out !== undefined) await rm(out, { recursive: true, force: true });
  });

  it('starts its worker from the .js entry and answers, naming the failing expression', async () => {
    const payload = new Uint8Array(
      Buffer.from(JSON.stringify({ predicateType: 'x', subject: [], predicate: { ref: 'refs/heads/main' } })),
    );
    const conditions = compiled.compileConditions([
      'predicate.ref == "refs/heads/main"',
      'predicate.ref.matches("^refs/tags/")',
    ]);
    expect(await compiled.evaluateConditionsWithin(conditions, payload)).toEqual([
      { code: 'CONDITION_FAILED', message: 'condition "predicate.ref.matches(\\"^refs/tags/\\")" is false' },
    ]);
  });
});
