import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in test/support/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * `shared/` reference material sits beside the checkout (locally and in CI). `IMPRIMATUR_SHARED_DIR`
 * overrides it for other layouts.
 */
export const SHARED_DIR = process.env.IMPRIMATUR_SHARED_DIR ?? resolve(REPO_ROOT, '..', 'shared');

export const CONFORMANCE_DIR = join(SHARED_DIR, 'conformance');
