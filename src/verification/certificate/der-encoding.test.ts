import { ASN1Obj, X509Certificate } from '@sigstore/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTestSigstore } from '../../../test/support/sigstore/index.js';
import { encodeDer, withFastDer } from './der-encoding.js';

/**
 * encodeDer must be `ASN1Obj.toDER()` byte for byte: certificates are compared and signatures checked
 * over these bytes, so any difference would change a verdict.
 */
const sigstore = createTestSigstore();
const issued = sigstore.issueCertificate({
  san: { uri: 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main' },
  issuer: 'https://token.actions.githubusercontent.com',
  github: {
    workflowTrigger: 'push',
    workflowSha: '0'.repeat(40),
    workflowName: 'release',
    workflowRepository: 'acme/app',
    workflowRef: 'refs/heads/main',
  },
});
const certificates: Record<string, Buffer> = {
  leaf: issued.certificateDer,
  intermediate: sigstore.fulcio.intermediateDer,
  root: sigstore.fulcio.rootDer,
};

function* nodesOf(node: ASN1Obj): Generator<ASN1Obj> {
  yield node;
  for (const sub of node.subs) yield* nodesOf(sub);
}

/** A tag object for one tag byte, as the parser makes it (long-form and universal 0 are refused). */
const tagOf = (byte: number) => ASN1Obj.parseBuffer(Buffer.from([byte, 0])).tag;
const tagBytes = fc
  .integer({ min: 1, max: 255 })
  .filter((byte) => (byte & 0x1f) !== 0x1f && !(byte >> 6 === 0 && (byte & 0x1f) === 0));

/** Random trees: any tag on any shape, values from empty to past the 1-, 2- and 3-byte length forms. */
const trees: fc.Arbitrary<ASN1Obj> = fc.letrec<{ node: ASN1Obj }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc
      .tuple(
        tagBytes,
        fc.oneof(
          fc.uint8Array({ maxLength: 140 }),
          fc.integer({ min: 250, max: 70_000 }).map((n) => new Uint8Array(n).fill(n % 251)),
        ),
      )
      .map(([tag, value]) => new ASN1Obj(tagOf(tag), Buffer.from(value), [])),
    fc
      .tuple(tagBytes, fc.array(tie('node'), { minLength: 1, maxLength: 5 }))
      .map(([tag, subs]) => new ASN1Obj(tagOf(tag), Buffer.alloc(0), subs)),
  ),
})).node;

/** Bytes of a DER length field for a value of about `n` bytes (close enough to aim at boundaries). */
const lengthFieldOf = (n: number) => (n < 128 ? 1 : n < 256 ? 2 : n < 65_536 ? 3 : 4);

describe('encodeDer', () => {
  it.each(Object.keys(certificates))('re-encodes every node of the %s certificate as toDER does', (name) => {
    const certificate = X509Certificate.parse(Buffer.from(certificates[name]!));
    let count = 0;
    for (const node of nodesOf(certificate.root)) {
      expect(encodeDer(node).equals(node.toDER())).toBe(true);
      count += 1;
    }
    expect(count).toBeGreaterThan(20);
    expect(encodeDer(certificate.root).equals(certificates[name]!)).toBe(true);
  });

  it.each([0, 1, 127, 128, 129, 255, 256, 257, 65_535, 65_536, 65_537])(
    'agrees with toDER at the length boundary %i, for a value and for children',
    (length) => {
      const primitive = new ASN1Obj(tagOf(0x04), Buffer.alloc(length, 0xa5), []);
      expect(encodeDer(primitive).equals(primitive.toDER())).toBe(true);
      if (length >= 2) {
        // One child whose own encoding is exactly `length` bytes long (2 bytes of tag and length).
        const child = new ASN1Obj(tagOf(0x04), Buffer.alloc(length - lengthFieldOf(length - 2) - 1, 7), []);
        const constructed = new ASN1Obj(tagOf(0x30), Buffer.alloc(0), [child]);
        expect(encodeDer(constructed).equals(constructed.toDER())).toBe(true);
      }
    },
  );

  it('agrees with toDER on random trees, lengths in every form included', () => {
    fc.assert(
      fc.property(trees, (tree) => {
        expect(encodeDer(tree).equals(tree.toDER())).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('withFastDer', () => {
  it('builds the same tree, whose toDER is encodeDer', () => {
    const certificate = X509Certificate.parse(Buffer.from(certificates.leaf!));
    const fast = new X509Certificate(withFastDer(certificate.root));
    expect(fast.root.toDER().equals(certificate.root.toDER())).toBe(true);
    expect(fast.tbsCertificate.toDER().equals(certificate.tbsCertificate.toDER())).toBe(true);
    expect(fast.publicKey.equals(certificate.publicKey)).toBe(true);
    expect(fast.equals(certificate)).toBe(true);
  });

  it('encodes an edited tree as edited (nothing remembered), and leaves the original alone', () => {
    const certificate = X509Certificate.parse(Buffer.from(certificates.leaf!));
    const fast = new X509Certificate(withFastDer(certificate.root));
    // What the SCT check does to its clone before re-encoding the TBS.
    const before = fast.tbsCertificate.toDER();
    fast.extensions.splice(0, 1);
    certificate.extensions.splice(0, 1);
    const after = fast.tbsCertificate.toDER();
    expect(after.equals(before)).toBe(false);
    expect(after.equals(certificate.tbsCertificate.toDER())).toBe(true);
    const untouched = X509Certificate.parse(Buffer.from(certificates.leaf!));
    expect(withFastDer(untouched.root).toDER().equals(certificates.leaf!)).toBe(true);
  });
});
