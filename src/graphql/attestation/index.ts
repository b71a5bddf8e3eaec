export { Attestation, AttestationSource, AttestationSubject } from './attestation.type.js';
export { AttestationOutcome, AttestationVerification } from './attestation-verification.type.js';
export { ImageAttestationResolver, PlatformManifestAttestationResolver } from './attestation.resolver.js';
export { AttestationProvenanceResolver, SlsaProvenance } from './provenance.type.js';
export { AttestationOpenVexResolver, OpenVex, VexProduct, VexStatement, VexStatus } from './openvex.type.js';
export { AttestationVulnScanResolver, VulnScan } from './vuln-scan.type.js';
export { AttestationSbomResolver, Sbom, SbomComponent, SbomComponentPage, SbomFormat } from './sbom.type.js';
