export { Attestation, AttestationSource, AttestationSubject } from './attestation.type.js';
export { AttestationOutcome, AttestationVerification } from './attestation-verification.type.js';
export { ImageAttestationResolver, PlatformManifestAttestationResolver } from './attestation.resolver.js';
export { AttestationProvenanceResolver, SlsaProvenance } from './provenance.type.js';
