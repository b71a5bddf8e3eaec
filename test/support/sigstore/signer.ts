import type { IssuedCertificate } from './fulcio.js';
import type { TestKeyPair } from './keys.js';
import type { TestTimestampAuthority } from './timestamp-authority.js';
import type { TestTransparencyLog } from './transparency-log.js';

/** The services a signing client talks to. 'other' ones are absent from the trusted root. */
export interface SigningServices {
  readonly logs: { readonly main: TestTransparencyLog; readonly other: TestTransparencyLog };
  readonly tsas: { readonly main: TestTimestampAuthority; readonly other: TestTimestampAuthority };
}

/** Who signs: a Fulcio certificate (keyless) or a long-lived key (cosign `--key`). Exactly one. */
export type SignerChoice =
  | { readonly identity: IssuedCertificate; readonly key?: undefined }
  | { readonly key: TestKeyPair; readonly identity?: undefined };

export function signingKeyOf(signer: SignerChoice): TestKeyPair {
  return signer.identity !== undefined ? signer.identity.key : signer.key;
}

/** The PEM Rekor records as the verifier of an entry: the leaf certificate, or the public key. */
export function verifierPemOf(signer: SignerChoice): string {
  return signer.identity !== undefined ? signer.identity.certificatePem : signer.key.publicKeyPem;
}
