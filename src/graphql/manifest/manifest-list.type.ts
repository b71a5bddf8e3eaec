import { Field, Int, ObjectType } from 'type-graphql';
import type { ManifestListView } from '../../services/index.js';
import { Annotation } from './annotation.type.js';
import { listInTurns } from './list-in-turns.js';
import { PlatformManifest } from './platform-manifest.type.js';

@ObjectType({ description: 'A Docker manifest list or OCI image index: one manifest per platform.' })
export class ManifestList {
  @Field(() => String, { description: 'Digest of the list itself, computed from the bytes served.' })
  digest!: string;

  @Field(() => String)
  mediaType!: string;

  @Field(() => Int, { description: 'Size of the list in bytes.' })
  size!: number;

  @Field(() => [Annotation], { description: 'Annotations of the index, sorted by key.' })
  annotations!: Annotation[];

  @Field(() => [PlatformManifest], {
    description: 'Every entry, in registry order, attestation entries included (see `isAttestation`).',
  })
  manifests!: (PlatformManifest | Promise<PlatformManifest>)[];

  static from(view: ManifestListView): ManifestList {
    return Object.assign(new ManifestList(), {
      digest: view.digest,
      mediaType: view.mediaType,
      size: view.size,
      annotations: Annotation.listFrom(view.annotations),
      // Large indexes are completed over several event-loop turns (see `listInTurns`).
      manifests: listInTurns(view.entries.map((entry) => PlatformManifest.from(entry))),
    });
  }
}
