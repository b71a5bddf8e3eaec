import { GraphQLDateTime } from 'graphql-scalars';
import { Field, ObjectType } from 'type-graphql';
import type { AttestationOutcome as Outcome } from '../../attestations/verification/index.js';
import type { AttestationVerificationOutcome } from '../../services/attestation-service.js';
import { describeAttestation } from '../../services/attestation-views.js';
import { SignerIdentity } from '../signature/index.js';
import { TrustRootRef, VerificationError, VerificationStatus } from '../verification/verification.type.js';
import { Attestation } from './attestation.type.js';

@ObjectType({ description: 'The outcome for one attestation.' })
export class AttestationOutcome {
  @Field(() => Boolean, {
    description: 'True only if the cryptography, the subject, the predicate type AND the policy passed.',
  })
  verified!: boolean;

  @Field(() => [VerificationError])
  errors!: VerificationError[];

  @Field(() => Attestation, { nullable: true, description: 'Null for an entry that could not even be read.' })
  attestation?: Attestation;

  @Field(() => SignerIdentity, { nullable: true })
  identity?: SignerIdentity;

  @Field(() => TrustRootRef, {
    nullable: true,
    description: 'The trust root this attestation verified under; null unless `verified`.',
  })
  trustRoot?: TrustRootRef;

  static from(outcome: Outcome): AttestationOutcome {
    return Object.assign(new AttestationOutcome(), {
      verified: outcome.verified,
      errors: outcome.errors.map((e) => Object.assign(new VerificationError(), e)),
      attestation:
        outcome.attestation === undefined
          ? undefined
          : Attestation.from(describeAttestation(outcome.attestation)),
      identity: outcome.identity === undefined ? undefined : SignerIdentity.from(outcome.identity),
      trustRoot:
        outcome.verified && outcome.trustRoot !== undefined
          ? Object.assign(new TrustRootRef(), outcome.trustRoot)
          : undefined,
    });
  }
}

@ObjectType({
  description:
    'Whether a manifest has an attestation of one predicate type signed by whom the policy trusts (`cosign verify-attestation --type`), and every candidate’s outcome.',
})
export class AttestationVerification {
  @Field(() => String, { description: 'The manifest digest verified.' })
  digest!: string;

  @Field(() => String, { description: 'The predicate type URI verified (short names resolved).' })
  predicateType!: string;

  @Field(() => Boolean)
  verified!: boolean;

  @Field(() => VerificationStatus, {
    description:
      'VERIFIED, VERIFIED_VIA_INDEX (an attestation of the index it was reached through, about the index), UNSIGNED (no attestation of this type), FAILED.',
  })
  status!: VerificationStatus;

  @Field(() => [VerificationError])
  errors!: VerificationError[];

  /** The service outcome behind this object. Not a GraphQL field. */
  outcome!: AttestationVerificationOutcome;

  @Field(() => [AttestationOutcome], {
    description:
      'Every signed attestation of this predicate type (BuildKit statements never), with its outcome.',
  })
  get attestations(): AttestationOutcome[] {
    return this.outcome.attestations.map((a) => AttestationOutcome.from(a));
  }

  @Field(() => String, {
    nullable: true,
    description: 'The index digest whose attestation covers this manifest.',
  })
  inheritedFrom?: string;

  @Field(() => TrustRootRef, {
    nullable: true,
    description:
      'The trust root the verdict rests on: that of the first verified attestation. Null unless verified.',
  })
  get trustRoot(): TrustRootRef | undefined {
    const ref = this.outcome.attestations.find((a) => a.verified && a.trustRoot !== undefined)?.trustRoot;
    return ref === undefined ? undefined : Object.assign(new TrustRootRef(), ref);
  }

  @Field(() => Boolean, {
    description: 'True when this verdict was reused from the cache rather than computed now.',
  })
  cached!: boolean;

  @Field(() => GraphQLDateTime, {
    description: 'When the verdict was computed (by an earlier request, if cached).',
  })
  checkedAt!: Date;

  static from(outcome: AttestationVerificationOutcome): AttestationVerification {
    return Object.assign(new AttestationVerification(), {
      digest: outcome.digest,
      predicateType: outcome.predicateType,
      verified: outcome.verified,
      status: VerificationStatus[outcome.status],
      errors: outcome.errors.map((e) => Object.assign(new VerificationError(), e)),
      inheritedFrom: outcome.inheritedFrom,
      cached: outcome.cached,
      checkedAt: outcome.checkedAt,
      outcome,
    });
  }
}
