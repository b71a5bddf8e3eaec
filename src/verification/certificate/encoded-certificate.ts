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
 *   long as the trust root it belongs to.
 *
 * The only outcome ever remembered is one trust-root certificate's signature over another (or over
 * itself), see {@link verify}: the chain builder re-checks "intermediate signed by root" and "root
 * signed by itself" for every signature, two of its three signature checks, and with public-good
 * Fulcio's P-384 keys each costs ~0.85 ms here (P-256: ~0.09 ms). A leaf's check is never remembered.
 */
export class EncodedCertificate extends X509Certificate {
  #der: Buffer | undefined;
  #tbsDer: Buffer | undefined;
  #key: KeyObject | undefined;
  /** Set by {@link precompute}: this certificate belongs to a loaded trust root and never changes. */
  #anchored = false;
  /** For an anchored certificate: which anchored issuers (or itself) verified its signature. */
  readonly #signedBy = new Map<EncodedCertificate, boolean>();
  /** Extensions, found once: the ASN.1 tree they are read from is never mutated (see above). */
  readonly #extensions = new Map<string, unknown>();

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
   * For a certificate of a loaded trust root only: computes every encoding now, so that no
   * verification pays for a trust-root certificate's, and lets {@link verify} remember its outcome
   * against other such certificates. A key Node cannot load is left for `verify` to fail on, exactly
   * as before: loading the trust root must not start rejecting roots that merely hold a CA nobody
   * chains to.
   */
  precompute(): this {
    this.#anchored = true;
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
    const issuer = issuerCertificate ?? this;
    // Both sides fixed bytes of one loaded trust root: `crypto.verify` over the same TBS, key and
    // signature can only ever answer the same, so its answer is kept. Anything else is checked anew:
    // a leaf (new per signature, and the attacker's input) never reaches the map.
    if (this.#anchored && issuer instanceof EncodedCertificate && issuer.#anchored) {
      let verified = this.#signedBy.get(issuer);
      if (verified === undefined) {
        verified = this.#verifySignature(issuer);
        this.#signedBy.set(issuer, verified);
      }
      return verified;
    }
    return this.#verifySignature(issuer);
  }

  #verifySignature(issuer: X509Certificate): boolean {
    // Base class: the issuer's key if given, else our own (a self-signed check).
    const key = issuer === this ? this.publicKeyObject : keyOf(issuer);
    this.#tbsDer ??= this.tbsCertificate.toDER();
    return crypto.verify(this.#tbsDer, key, this.signatureValue, this.signatureAlgorithm);
  }

  override get extKeyUsage() {
    return this.#extension('keyUsage', () => super.extKeyUsage);
  }

  override get extBasicConstraints() {
    return this.#extension('basicConstraints', () => super.extBasicConstraints);
  }

  override get extSubjectAltName() {
    return this.#extension('subjectAltName', () => super.extSubjectAltName);
  }

  override get extAuthorityKeyID() {
    return this.#extension('authorityKeyID', () => super.extAuthorityKeyID);
  }

  override get extSubjectKeyID() {
    return this.#extension('subjectKeyID', () => super.extSubjectKeyID);
  }

  override get extSCT() {
    return this.#extension('sct', () => super.extSCT);
  }

  /**
   * The base class looks an extension up by decoding every extension's OID on each read, and the
   * chain builder reads the key identifiers of every candidate issuer for every signature. The
   * wrappers it returns only read the (unchanging) tree, so one per certificate is enough.
   */
  #extension<T>(name: string, find: () => T): T {
    if (this.#extensions.has(name)) return this.#extensions.get(name) as T;
    const found = find();
    this.#extensions.set(name, found);
    return found;
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
