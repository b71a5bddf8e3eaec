import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Metadata, MetadataKind } from '@tufjs/models';
import { describe, expect, it } from 'vitest';
import { GITHUB_TUF_MIRROR, PUBLIC_GOOD_TUF_MIRROR } from '../../config/index.js';
import { shippedTufRoot } from './tuf-seeds.js';

const rootMetadata = (bytes: Buffer) =>
  Metadata.fromJSON(MetadataKind.Root, JSON.parse(bytes.toString('utf8')) as never);

describe('the TUF roots the service ships', () => {
  it.each([
    ['Sigstore public-good', PUBLIC_GOOD_TUF_MIRROR],
    ['GitHub', GITHUB_TUF_MIRROR],
  ])('%s: a root.json signed by a threshold of its own root keys (intact, not edited)', (_name, mirror) => {
    const root = rootMetadata(shippedTufRoot(mirror)!);
    expect(() => root.verifyDelegate('root', root)).not.toThrow();
    expect(root.signed.roles.root?.threshold).toBeGreaterThanOrEqual(3);
  });

  it('has none for any other mirror (a private one must bring its own)', () => {
    expect(shippedTufRoot('https://tuf.corp.example')).toBeUndefined();
  });

  it('embeds the same public-good trusted_root.json as the TUF seed @sigstore/tuf ships', () => {
    const embedded = readFileSync(new URL('./public-good-trusted-root.json', import.meta.url));
    const seeds = JSON.parse(
      readFileSync(new URL('../../../node_modules/@sigstore/tuf/seeds.json', import.meta.url), 'utf8'),
    ) as Record<string, { targets: Record<string, string> }>;
    const seeded = Buffer.from(seeds[PUBLIC_GOOD_TUF_MIRROR]!.targets['trusted_root.json']!, 'base64');
    const hash = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(hash(embedded)).toBe(hash(seeded));
  });
});
