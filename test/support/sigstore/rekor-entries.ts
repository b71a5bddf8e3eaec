import { canonicalJson } from './canonical-json.js';

/**
 * Rekor v1 entry bodies, canonicalized as Rekor stores them (the bytes that are leaf-hashed, covered
 * by the SET and shipped base64 in bundles).
 *
 * hashedrekord 0.0.1: `spec.data.hash` is the digest of the signed artifact (here the simple-signing
 * payload); `spec.signature.publicKey.content` is base64 of the signer's PEM (certificate or key).
 * dsse 0.0.1: `payloadHash` is the digest of the DSSE payload, `envelopeHash` of the envelope, and
 * each signature carries base64 of its verifier PEM.
 */
export function hashedrekordBody(args: {
  readonly signature: Buffer;
  readonly digestHex: string;
  readonly algorithm: 'sha256' | 'sha384';
  readonly verifierPem: string;
}): Buffer {
  return Buffer.from(
    canonicalJson({
      apiVersion: '0.0.1',
      kind: 'hashedrekord',
      spec: {
        data: { hash: { algorithm: args.algorithm, value: args.digestHex } },
        signature: {
          content: args.signature.toString('base64'),
          publicKey: { content: Buffer.from(args.verifierPem).toString('base64') },
        },
      },
    }),
  );
}

export function dsseBody(args: {
  readonly envelopeHashHex: string;
  readonly payloadHashHex: string;
  readonly signature: Buffer;
  readonly verifierPem: string;
}): Buffer {
  return Buffer.from(
    canonicalJson({
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        envelopeHash: { algorithm: 'sha256', value: args.envelopeHashHex },
        payloadHash: { algorithm: 'sha256', value: args.payloadHashHex },
        signatures: [
          {
            signature: args.signature.toString('base64'),
            verifier: Buffer.from(args.verifierPem).toString('base64'),
          },
        ],
      },
    }),
  );
}

/**
 * intoto 0.0.2 (what cosign `attest` logs for `.att` layers): the envelope without its payload, each
 * signature base64 *of its base64* (Rekor's double encoding) with the verifier PEM base64; `hash` is
 * of the envelope, `payloadHash` of the statement.
 */
export function intotoBody(args: {
  readonly payloadType: string;
  readonly envelopeHashHex: string;
  readonly payloadHashHex: string;
  readonly signature: Buffer;
  readonly verifierPem: string;
}): Buffer {
  return Buffer.from(
    canonicalJson({
      apiVersion: '0.0.2',
      kind: 'intoto',
      spec: {
        content: {
          envelope: {
            payloadType: args.payloadType,
            signatures: [
              {
                sig: Buffer.from(args.signature.toString('base64')).toString('base64'),
                publicKey: Buffer.from(args.verifierPem).toString('base64'),
              },
            ],
          },
          hash: { algorithm: 'sha256', value: args.envelopeHashHex },
          payloadHash: { algorithm: 'sha256', value: args.payloadHashHex },
        },
      },
    }),
  );
}
