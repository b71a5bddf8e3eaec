import { createPublicKey, type KeyObject } from 'node:crypto';
import type { TransparencyLogEntry } from '@sigstore/bundle';
import { SignatureCheckError } from '../errors.js';

/** The verifier material a Rekor entry body records: a PEM (v1 bodies) or raw DER (v2 bodies). */
type RecordedVerifier =
  | { readonly kind: 'pem'; readonly text: string }
  | { readonly kind: 'der-certificate' | 'der-public-key'; readonly der: Buffer };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const field = (v: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), v);
const fromB64 = (v: unknown): Buffer | undefined =>
  typeof v === 'string' ? Buffer.from(v, 'base64') : undefined;

/**
 * Reads the signer material out of a canonicalized Rekor body. Shapes per Rekor type (untrusted JSON,
 * read field by field; anything unexpected yields no material and therefore a mismatch):
 * hashedrekord 0.0.1 `spec.signature.publicKey.content`, dsse 0.0.1 `spec.signatures[].verifier`,
 * intoto 0.0.2 `spec.content.envelope.signatures[].publicKey` (all base64 PEMs); Rekor v2 0.0.2
 * `spec.{hashedRekordV002,dsseV002}.signature(s).verifier.{x509Certificate,publicKey}.rawBytes` (DER).
 */
function recordedVerifiers(body: unknown): RecordedVerifier[] {
  const pem = (v: unknown): RecordedVerifier[] => {
    const bytes = fromB64(v);
    return bytes === undefined ? [] : [{ kind: 'pem', text: bytes.toString('utf8') }];
  };
  const v2 = (verifier: unknown): RecordedVerifier[] => {
    const cert = fromB64(field(verifier, 'x509Certificate', 'rawBytes'));
    if (cert !== undefined) return [{ kind: 'der-certificate', der: cert }];
    const key = fromB64(field(verifier, 'publicKey', 'rawBytes'));
    return key === undefined ? [] : [{ kind: 'der-public-key', der: key }];
  };
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const kind = field(body, 'kind');
  const version = field(body, 'apiVersion');
  const spec = field(body, 'spec');
  if (kind === 'hashedrekord' && version === '0.0.1')
    return pem(field(spec, 'signature', 'publicKey', 'content'));
  if (kind === 'dsse' && version === '0.0.1')
    return list(field(spec, 'signatures')).flatMap((s) => pem(field(s, 'verifier')));
  if (kind === 'intoto' && version === '0.0.2') {
    return list(field(spec, 'content', 'envelope', 'signatures')).flatMap((s) => pem(field(s, 'publicKey')));
  }
  if (kind === 'hashedrekord' && version === '0.0.2')
    return v2(field(spec, 'hashedRekordV002', 'signature', 'verifier'));
  if (kind === 'dsse' && version === '0.0.2')
    return list(field(spec, 'dsseV002', 'signatures')).flatMap((s) => v2(field(s, 'verifier')));
  return [];
}

function pemBlockDer(text: string, label: 'CERTIFICATE' | 'PUBLIC KEY'): Buffer | undefined {
  const match = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(text);
  return match?.[1] === undefined ? undefined : Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
}

/** Who actually signed, as far as the comparison is concerned. */
export type Signer =
  { readonly kind: 'certificate'; readonly der: Buffer } | { readonly kind: 'key'; readonly key: KeyObject };

function matches(recorded: RecordedVerifier, signer: Signer): boolean {
  const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
  switch (signer.kind) {
    case 'certificate': {
      const der =
        recorded.kind === 'pem'
          ? pemBlockDer(recorded.text, 'CERTIFICATE')
          : recorded.kind === 'der-certificate'
            ? recorded.der
            : undefined;
      return der !== undefined && der.equals(signer.der);
    }
    case 'key': {
      const der =
        recorded.kind === 'pem'
          ? pemBlockDer(recorded.text, 'PUBLIC KEY')
          : recorded.kind === 'der-public-key'
            ? recorded.der
            : undefined;
      if (der === undefined) return false;
      try {
        return spki(createPublicKey({ key: der, format: 'der', type: 'spki' })).equals(spki(signer.key));
      } catch {
        return false;
      }
    }
  }
}

/**
 * cosign's `comparePublicKey` (GHSA-fx35-mq7g-6g98), which @sigstore/verify lacks: the log entry
 * must record THIS signer's certificate (or key). Otherwise an attacker could pair our payload and
 * signature with a genuine log entry made for a different certificate — e.g. one with a weaker
 * identity — and borrow its timestamp. Compared as DER, so PEM line wrapping does not matter.
 */
export function checkTlogSignerBinding(entries: readonly TransparencyLogEntry[], signer: Signer): void {
  for (const entry of entries) {
    let body: unknown;
    try {
      body = JSON.parse(entry.canonicalizedBody.toString('utf8'));
    } catch {
      throw new SignatureCheckError('TLOG_INVALID', 'transparency log entry body is not JSON');
    }
    const recorded = recordedVerifiers(body);
    if (recorded.length === 0 || !recorded.every((r) => matches(r, signer))) {
      const what = signer.kind === 'certificate' ? 'certificate' : 'public key';
      throw new SignatureCheckError(
        'TLOG_MISMATCH',
        `transparency log entry does not record the signing ${what} (comparing public key PEMs failed)`,
      );
    }
  }
}
