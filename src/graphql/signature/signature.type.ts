import { GraphQLDateTime, GraphQLJSON } from 'graphql-scalars';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import type { SignatureView, TimestampView, TlogEntryView } from '../../services/signature-views.js';
import { Certificate } from './certificate.type.js';

export enum SignatureFormat {
  SIMPLE_SIGNING = 'SIMPLE_SIGNING',
  SIGSTORE_BUNDLE = 'SIGSTORE_BUNDLE',
}
registerEnumType(SignatureFormat, {
  name: 'SignatureFormat',
  description: 'How cosign stored the signature.',
  valuesConfig: {
    SIMPLE_SIGNING: {
      description: 'Legacy: a layer of the `sha256-<hex>.sig` tag (simple-signing payload).',
    },
    SIGSTORE_BUNDLE: { description: 'A Sigstore bundle attached as an OCI referrer (cosign v3 default).' },
  },
});

export enum TimestampKind {
  TRANSPARENCY_LOG = 'TRANSPARENCY_LOG',
  RFC3161 = 'RFC3161',
}
registerEnumType(TimestampKind, { name: 'TimestampKind' });

@ObjectType({ description: 'A transparency-log (Rekor) entry as recorded with the signature.' })
export class TlogEntry {
  @Field(() => String, { description: 'Log index (a 64-bit integer, as a string).' })
  logIndex!: string;

  @Field(() => String, { description: 'Hex SHA-256 of the log public key.' })
  logId!: string;

  @Field(() => GraphQLDateTime, { nullable: true })
  integratedTime?: Date;

  @Field(() => String, { nullable: true, description: '`hashedrekord`, `dsse`, `intoto` …' })
  kind?: string;

  @Field(() => String, { nullable: true })
  kindVersion?: string;

  static from(view: TlogEntryView): TlogEntry {
    return Object.assign(new TlogEntry(), view);
  }
}

@ObjectType({ description: 'A claimed signing time (Rekor integrated time or an RFC 3161 token).' })
export class Timestamp {
  @Field(() => TimestampKind)
  kind!: TimestampKind;

  @Field(() => GraphQLDateTime)
  time!: Date;

  static from(view: TimestampView): Timestamp {
    return Object.assign(new Timestamp(), { kind: TimestampKind[view.kind], time: view.time });
  }
}

@ObjectType({
  description:
    'A signature found for a manifest, as stored (unverified). Use `verification(policy)` to know whether it is trusted.',
})
export class Signature {
  @Field(() => SignatureFormat)
  format!: SignatureFormat;

  @Field(() => String, {
    nullable: true,
    description: 'Digest of the signature object: the simple-signing layer, or the bundle referrer manifest.',
  })
  digest?: string;

  @Field(() => String, {
    nullable: true,
    description: '`critical.identity.docker-reference` of the payload.',
  })
  dockerReference?: string;

  @Field(() => String, {
    description: 'The manifest digest the payload claims to sign (empty when the payload names none).',
  })
  dockerManifestDigest!: string;

  @Field(() => String, { nullable: true })
  payloadType?: string;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Signed annotations (cosign `-a key=value`).' })
  annotations?: Record<string, unknown>;

  /** The service view behind this object; log entry, certificate and timestamps are read from it lazily. */
  view!: SignatureView;

  /** Decoded only when asked for (the legacy entry's body is base64 JSON). */
  @Field(() => TlogEntry, { nullable: true })
  get transparencyLog(): TlogEntry | undefined {
    const entry = this.view.transparencyLog;
    return entry === undefined ? undefined : TlogEntry.from(entry);
  }

  /** Parsed only when asked for: X.509 parsing is the expensive part of describing a signature. */
  @Field(() => Certificate, { nullable: true })
  get certificate(): Certificate | undefined {
    const certificate = this.view.certificate;
    return certificate === undefined ? undefined : Certificate.fromView(certificate);
  }

  @Field(() => [Timestamp])
  get timestamps(): Timestamp[] {
    return this.view.timestamps.map((t) => Timestamp.from(t));
  }

  static from(view: SignatureView): Signature {
    return Object.assign(new Signature(), {
      format: SignatureFormat[view.format],
      digest: view.digest,
      dockerReference: view.dockerReference,
      dockerManifestDigest: view.dockerManifestDigest ?? '',
      payloadType: view.payloadType,
      annotations: view.annotations,
      view,
    });
  }
}
