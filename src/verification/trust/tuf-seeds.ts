import { createRequire } from 'node:module';
import { GITHUB_TUF_MIRROR, PUBLIC_GOOD_TUF_MIRROR } from '../../config/index.js';
import githubTufRoot from './github-tuf-root.json' with { type: 'json' };

/**
 * The TUF `root.json` a known mirror is first trusted with, when the operator gives none: for
 * Sigstore public-good the one @sigstore/tuf ships (what cosign and sigstore-js start from), for
 * GitHub the one `gh` embeds (see NOTICE.md). Both may have expired long ago; that is fine, TUF only
 * uses it to verify the chain of newer roots the mirror serves (`2.root.json`, `3.root.json`, …).
 * Undefined for any other mirror.
 */
export function shippedTufRoot(mirror: string): Buffer | undefined {
  if (mirror === PUBLIC_GOOD_TUF_MIRROR) {
    // @sigstore/tuf has no `exports` map: its seeds file is reachable by path, and read only here.
    const seeds = createRequire(import.meta.url)('@sigstore/tuf/seeds.json') as Record<
      string,
      { readonly 'root.json': string } | undefined
    >;
    const seed = seeds[PUBLIC_GOOD_TUF_MIRROR]?.['root.json'];
    return seed === undefined ? undefined : Buffer.from(seed, 'base64');
  }
  if (mirror === GITHUB_TUF_MIRROR) return Buffer.from(JSON.stringify(githubTufRoot));
  return undefined;
}
