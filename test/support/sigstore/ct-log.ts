import { derOctetString } from './der.js';
import { generateKeyPair, logIdOf, sha256, signWith, type TestKeyPair } from './keys.js';

/**
 * A certificate-transparency log that only issues SCTs (RFC 6962 §3.2). Fulcio embeds one SCT in
 * every certificate; verifiers check it against the `ctlogs` of the trusted root, so a certificate
 * that never went through this log (or was altered after) fails SCT verification.
 */
export interface TestCtLog {
  readonly key: TestKeyPair;
  /** SHA-256 of the log's DER public key: the SCT's `log_id` and the trusted root's `logId`. */
  readonly logId: Buffer;
  readonly baseUrl: string;
  /**
   * A serialized SCT over a precertificate: the SHA-256 of the issuer's public key and the TBS of
   * the final certificate *without* the SCT extension (which is what verifiers reconstruct).
   */
  signPrecertificate(issuerSpkiDer: Uint8Array, precertTbs: Uint8Array, timestamp: Date): Buffer;
}

function uint(value: number | bigint, bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  let n = BigInt(value);
  for (let i = bytes - 1; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

export function createCtLog(baseUrl = 'https://ctfe.imprimatur.test'): TestCtLog {
  const key = generateKeyPair('ecdsa-p256');
  const logId = logIdOf(key);
  return {
    key,
    logId,
    baseUrl,
    signPrecertificate(issuerSpkiDer, precertTbs, timestamp) {
      const version = Buffer.from([0]); // v1
      const time = uint(timestamp.getTime(), 8); // milliseconds since the epoch
      const extensions = Buffer.alloc(0);
      // digitally-signed struct: version, signature_type=certificate_timestamp(0), timestamp,
      // entry_type=precert_entry(1), issuer_key_hash, tbs_certificate<1..2^24-1>, extensions<0..2^16-1>
      const signed = Buffer.concat([
        version,
        Buffer.from([0]),
        time,
        uint(1, 2),
        sha256(issuerSpkiDer),
        uint(precertTbs.length, 3),
        precertTbs,
        uint(extensions.length, 2),
        extensions,
      ]);
      const signature = signWith(key, signed);
      return Buffer.concat([
        version,
        logId,
        time,
        uint(extensions.length, 2),
        extensions,
        Buffer.from([4, 3]), // hash sha256(4), signature ecdsa(3)
        uint(signature.length, 2),
        signature,
      ]);
    },
  };
}

/** The `1.3.6.1.4.1.11129.2.4.2` extension value: an OCTET STRING holding the TLS SCT list. */
export function sctListExtensionValue(scts: readonly Buffer[]): Buffer {
  const entries = scts.map((sct) => Buffer.concat([uint(sct.length, 2), sct]));
  const list = Buffer.concat(entries);
  return derOctetString(Buffer.concat([uint(list.length, 2), list]));
}
