import { access, constants, readdir, stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { REPO_ROOT } from '../../test/support/paths.js';
import { buildGraphiQLAssets } from '../build-graphiql.js';
import { DEFAULT_ASSETS_DIR } from '../../src/graphiql/index.js';

/**
 * What the demo needs from the machine before it starts anything, checked up front so a missing piece
 * is one clear instruction instead of a stack trace from deep inside a child-process spawn.
 */

/** True when `command` is an executable path, or an executable found on `PATH`. */
export async function isExecutable(command: string, path = process.env.PATH ?? ''): Promise<boolean> {
  const candidates = command.includes('/')
    ? [command]
    : path
        .split(delimiter)
        .filter((dir) => dir !== '')
        .map((dir) => join(dir, command));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return true;
    } catch {
      // not here; try the next PATH entry
    }
  }
  return false;
}

/** Newest modification time of the files the bundle is built from (src/graphiql and the lockfile). */
async function newestSource(): Promise<number> {
  let newest = (await stat(join(REPO_ROOT, 'package-lock.json')).catch(() => undefined))?.mtimeMs ?? 0;
  const dir = join(REPO_ROOT, 'src', 'graphiql');
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

/**
 * Builds the GraphiQL bundle when it is missing (a fresh clone has no `dist/`) or older than its
 * sources (a `git pull` since the last build), so the printed GraphiQL URL serves the page that
 * matches the code the demo runs — an old bundle once showed tabs the demo world could not answer.
 */
export async function ensureGraphiQLBundle(): Promise<'present' | 'built' | 'rebuilt'> {
  const built = await stat(join(DEFAULT_ASSETS_DIR, 'graphiql.js')).catch(() => undefined);
  if (built !== undefined && built.mtimeMs >= (await newestSource())) return 'present';
  await buildGraphiQLAssets(DEFAULT_ASSETS_DIR);
  return built === undefined ? 'built' : 'rebuilt';
}
