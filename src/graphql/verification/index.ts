export { AnnotationInput, PolicyInput, toPolicy } from './policy.input.js';
export { ImageVerificationResolver, PlatformManifestVerificationResolver } from './verification.resolver.js';
export {
  SignatureVerification,
  SignerIdentity,
  Verification,
  VerificationError,
  VerificationStatus,
} from './verification.type.js';
