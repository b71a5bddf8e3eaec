// type-graphql reads decorator metadata through this polyfill; it must load before any decorated class.
import 'reflect-metadata';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildImprimaturSchema } from '../src/graphql/index.js';

/**
 * Writes `schema/schema.graphql` from the code (types sorted, so the diff shows real changes only).
 * With `--check`, writes nothing and exits 1 when the committed file differs: the schema is public
 * API, and a change to it must be a visible, reviewed change to that file.
 */
const SCHEMA_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'schema', 'schema.graphql');

async function readCommitted(): Promise<string | undefined> {
  try {
    return await readFile(SCHEMA_PATH, 'utf8');
  } catch {
    return undefined;
  }
}

/** The first line that differs, as a short hint (a full diff is `npm run schema:emit && git diff`). */
function firstDifference(committed: string, current: string): string {
  const a = committed.split('\n');
  const b = current.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      return `line ${i + 1}:\n  committed: ${a[i] ?? '<end of file>'}\n  from code: ${b[i] ?? '<end of file>'}`;
    }
  }
  return 'files differ';
}

async function main(): Promise<void> {
  const schema = await buildImprimaturSchema();
  const current = `${printSchema(lexicographicSortSchema(schema))}\n`;
  if (process.argv.includes('--check')) {
    const committed = await readCommitted();
    if (committed === current) {
      console.log(`${SCHEMA_PATH} is up to date`);
      return;
    }
    console.error(
      committed === undefined
        ? `${SCHEMA_PATH} is missing`
        : `${SCHEMA_PATH} differs from the schema the code builds, first at ${firstDifference(committed, current)}`,
    );
    console.error('Run `npm run schema:emit`, review the change and commit it.');
    process.exitCode = 1;
    return;
  }
  await mkdir(dirname(SCHEMA_PATH), { recursive: true });
  await writeFile(SCHEMA_PATH, current);
  console.log(`wrote ${SCHEMA_PATH}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
