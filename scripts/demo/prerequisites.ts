import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
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

/**
 * Builds the GraphiQL bundle when it is missing (a fresh clone has no `dist/`), so the printed
 * GraphiQL URL works without a separate `npm run build`. A present bundle is left alone: it may be
 * one a developer just built on purpose.
 */
export async function ensureGraphiQLBundle(): Promise<'present' | 'built'> {
  try {
    await access(join(DEFAULT_ASSETS_DIR, 'graphiql.js'));
    return 'present';
  } catch {
    await buildGraphiQLAssets(DEFAULT_ASSETS_DIR);
    return 'built';
  }
}
