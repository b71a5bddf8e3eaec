export { AnnotationInput, PolicyInput, toPolicy } from './policy.input.js';
export { ImageVerificationResolver, PlatformManifestVerificationResolver } from './verification.resolver.js';
export {
  SignatureVerification,
  Verification,
  VerificationError,
  VerificationStatus,
} from './verification.type.js';
export { SignerIdentity } from '../signature/index.js';
