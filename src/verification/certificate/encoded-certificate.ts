import type { KeyObject } from 'node:crypto';
import { crypto, X509Certificate, type ASN1Obj } from '@sigstore/core';
import { withFastDer } from './der-encoding.js';

/**
 * An `X509Certificate` that encodes itself to DER, and turns its public key into a `KeyObject`, at
 * most once, and whose ASN.1 nodes encode with {@link encodeDer} (one allocation) instead of the
 * library's block-growing streams. @sigstore/core re-encodes the whole tree on every `equals` and
 * the TBS part plus a new key object on every `verify`, and @sigstore/verify's chain builder
 * (`dedupeCertificates`, `buildPaths`, `findIssuer`) calls them about a dozen times per chain, and
 * the SCT check re-encodes a clone: a cold-profiled query spent ~18% of its CPU there.
 *
 * Same answers as the base class, by construction:
 * - the values are exactly what the base class computes (`root.toDER()`, the TBS `toDER()`,
 *   `crypto.createPublicKey` of the SPKI, `crypto.verify` with the same arguments), and the encoder
 *   produces the library's bytes (see der-encoding.ts and its tests);
 * - the ASN.1 tree the remembered ones are computed from is never mutated after parsing (the SCT
 *   check removes its extension from a `clone()`, which is a fresh parse that remembers nothing);
 * - nothing is shared between objects: a leaf is wrapped per signature, and a trust-root CA lives as
 *   long as the trust root it belongs to. No verdict is remembered anywhere, only encodings.
 */
export class EncodedCertificate extends X509Certificate {
  #der: Buffer | undefined;
  #tbsDer: Buffer | undefined;
  #key: KeyObject | undefined;

  /** Over a copy of `asn1` built of fast-encoding nodes (same tags, same value bytes). */
  constructor(asn1: ASN1Obj) {
    super(withFastDer(asn1));
  }

  /** Wraps an already parsed certificate (its value bytes are shared, and never written to). */
  static from(certificate: X509Certificate): EncodedCertificate {
    return certificate instanceof EncodedCertificate ? certificate : new EncodedCertificate(certificate.root);
  }

  /** Parses DER (throws on malformed input, like `X509Certificate.parse`). */
  static fromDer(der: Buffer<ArrayBuffer>): EncodedCertificate {
    return new EncodedCertificate(X509Certificate.parse(der).root);
  }

  /** The DER re-encoding of the whole certificate, as `equals` compares it. */
  get der(): Buffer {
    return (this.#der ??= this.root.toDER());
  }

  /** The certificate's public key (its SPKI), as `verify` uses an issuer's. */
  get publicKeyObject(): KeyObject {
    // Not cached when it throws: an unusable key fails every time, as in the base class.
    return (this.#key ??= crypto.createPublicKey(this.publicKey));
  }

  /**
   * Computes every encoding now, so that no verification pays for a trust-root certificate's. A key
   * Node cannot load is left for `verify` to fail on, exactly as before: loading the trust root must
   * not start rejecting roots that merely hold a CA nobody chains to.
   */
  precompute(): this {
    void this.der;
    this.#tbsDer ??= this.tbsCertificate.toDER();
    try {
      void this.publicKeyObject;
    } catch {
      // See above: `verify` will throw or answer false for it, as the base class does.
    }
    return this;
  }

  override equals(other: X509Certificate): boolean {
    return this.der.equals(derOf(other));
  }

  override verify(issuerCertificate?: X509Certificate): boolean {
    // Base class: the issuer's key if given, else our own (a self-signed check).
    const key = issuerCertificate === undefined ? this.publicKeyObject : keyOf(issuerCertificate);
    this.#tbsDer ??= this.tbsCertificate.toDER();
    return crypto.verify(this.#tbsDer, key, this.signatureValue, this.signatureAlgorithm);
  }

  override clone(): X509Certificate {
    // A fresh parse of a copy, as in the base class: whoever mutates the clone cannot touch us. It
    // is a plain X509Certificate (remembering nothing, since it may be edited) over fast nodes, so
    // the SCT check's re-encoding of its edited TBS is cheap too.
    return new X509Certificate(withFastDer(X509Certificate.parse(Buffer.from(this.der)).root));
  }
}

function derOf(certificate: X509Certificate): Buffer {
  return certificate instanceof EncodedCertificate ? certificate.der : certificate.root.toDER();
}

function keyOf(certificate: X509Certificate): KeyObject {
  return certificate instanceof EncodedCertificate
    ? certificate.publicKeyObject
    : crypto.createPublicKey(certificate.publicKey);
}
