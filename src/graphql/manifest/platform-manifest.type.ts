import { Field, Int, ObjectType } from 'type-graphql';
import { describeView, type PlatformManifestView } from '../../services/index.js';
import { Annotation } from './annotation.type.js';

@ObjectType({
  description:
    'A single-platform manifest: an entry of a manifest list / index, or the manifest an image reference names directly.',
})
export class PlatformManifest {
  @Field(() => String, { description: 'Content digest (`sha256:…`).' })
  digest!: string;

  @Field(() => String)
  mediaType!: string;

  @Field(() => Int, { description: 'Size of the manifest in bytes.' })
  size!: number;

  @Field(() => String, { nullable: true, description: 'OCI 1.1 `artifactType`, for artifact manifests.' })
  artifactType?: string;

  @Field(() => [Annotation], {
    description: 'Annotations of the index entry (or of the manifest itself), sorted by key.',
  })
  annotations!: Annotation[];

  @Field(() => Boolean, {
    description:
      'True for buildx attestation manifests (platform `unknown/unknown`, `vnd.docker.reference.type: attestation-manifest`): provenance/SBOM, not a runnable image.',
  })
  isAttestation!: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'For attestation entries: the digest of the image manifest they describe.',
  })
  attestationFor?: string;

  /** The service view behind this object; the `platform` field resolver reads it. Not a GraphQL field. */
  view!: PlatformManifestView;

  static from(view: PlatformManifestView): PlatformManifest {
    const described = describeView(view);
    return Object.assign(new PlatformManifest(), {
      digest: described.digest,
      mediaType: described.mediaType,
      size: described.size,
      artifactType: described.artifactType,
      annotations: Annotation.listFrom(described.annotations),
      isAttestation: view.kind === 'index-entry' && view.isAttestation,
      attestationFor: view.kind === 'index-entry' ? view.attestationFor : undefined,
      view,
    });
  }
}
