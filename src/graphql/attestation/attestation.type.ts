import { GraphQLJSON } from 'graphql-scalars';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { AttestationView } from '../../services/attestation-views.js';
import { Certificate, Timestamp, TlogEntry } from '../signature/index.js';

export enum AttestationSource {
  LEGACY_TAG = 'LEGACY_TAG',
  BUNDLE_REFERRER = 'BUNDLE_REFERRER',
  BUILDKIT = 'BUILDKIT',
}
registerEnumType(AttestationSource, {
  name: 'AttestationSource',
  description: 'Where the attestation is stored.',
  valuesConfig: {
    LEGACY_TAG: { description: 'A DSSE layer of cosign’s `sha256-<hex>.att` tag (signed).' },
    BUNDLE_REFERRER: {
      description:
        'A Sigstore bundle attached as an OCI referrer (cosign v3 `attest`, GitHub attest actions; signed).',
    },
    BUILDKIT: {
      description:
        'A BuildKit attestation manifest in the image index: a bare statement, UNSIGNED, never verified.',
    },
  },
});

@ObjectType({ description: 'One subject of an in-toto statement, as stored.' })
export class AttestationSubject {
  @Field(() => String, { nullable: true })
  name?: string;

  @Field(() => GraphQLJSON, { description: 'The DigestSet: algorithm → hex digest.' })
  digest!: Record<string, string>;
}

@ObjectType({
  description:
    'An in-toto attestation found for a manifest, as stored (unverified). Use `attestationVerification` to know whether it is trusted.',
})
export class Attestation {
  @Field(() => AttestationSource)
  source!: AttestationSource;

  @Field(() => String, {
    description:
      'Digest of the stored object: the `.att` or BuildKit layer, or the bundle referrer manifest.',
  })
  digest!: string;

  @Field(() => String, { nullable: true })
  predicateType?: string;

  @Field(() => String, { nullable: true, description: '`_type` of the statement (in-toto v0.1 or v1).' })
  statementType?: string;

  @Field(() => [AttestationSubject])
  subjects!: AttestationSubject[];

  @Field(() => String, {
    nullable: true,
    description: 'DSSE payload type (null for BuildKit’s bare statements).',
  })
  payloadType?: string;

  @Field(() => Boolean, { description: 'False for BuildKit statements: nothing signs them.' })
  signed!: boolean;

  @Field(() => Int, { description: 'Size of the statement in bytes, as stored.' })
  statementSize!: number;

  /** The service view behind this object; statement and signing material are read from it lazily. */
  view!: AttestationView;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'The whole statement (predicate included) as JSON; null above 256 KiB (see statementSize).',
  })
  get statement(): unknown {
    return this.view.statement ?? null;
  }

  @Field(() => Certificate, {
    nullable: true,
    description: 'The signing certificate, as stored (not trusted by being shown).',
  })
  get certificate(): Certificate | undefined {
    const certificate = this.view.signing?.certificate;
    return certificate === undefined ? undefined : Certificate.fromView(certificate);
  }

  @Field(() => TlogEntry, { nullable: true })
  get transparencyLog(): TlogEntry | undefined {
    const entry = this.view.signing?.transparencyLog;
    return entry === undefined ? undefined : TlogEntry.from(entry);
  }

  @Field(() => [Timestamp])
  get timestamps(): Timestamp[] {
    return (this.view.signing?.timestamps ?? []).map((t) => Timestamp.from(t));
  }

  static from(view: AttestationView): Attestation {
    return Object.assign(new Attestation(), {
      source: AttestationSource[view.source],
      digest: view.digest,
      predicateType: view.predicateType,
      statementType: view.statementType,
      subjects: view.subjects.map((s) =>
        Object.assign(new AttestationSubject(), { name: s.name, digest: s.digest }),
      ),
      payloadType: view.payloadType,
      signed: view.signed,
      statementSize: view.statementSize,
      view,
    });
  }
}
