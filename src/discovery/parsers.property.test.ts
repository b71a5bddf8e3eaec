import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_DIR } from '../../test/support/paths.js';
import { parseRekorBundleAnnotation, parseRfc3161TimestampAnnotation } from './cosign-annotations.js';
import { DiscoveryError } from './errors.js';
import { parseInTotoStatement } from './in-toto.js';
import { parseSimpleSigningPayload } from './simple-signing.js';
import { readSigstoreBundle } from './sigstore-bundle.js';

/**
 * Everything these parsers read comes from a registry, i.e. from whoever controls it. Whatever the
 * bytes, a parser must return claims or throw a DiscoveryError: any other exception would escape
 * discovery as a crash instead of a reported problem.
 */
const SUBJECT = `sha256:${'a'.repeat(64)}`;
const parsers: Record<string, (bytes: Uint8Array) => unknown> = {
  simpleSigning: (bytes) => parseSimpleSigningPayload(bytes, { maxBytes: 64 * 1024 }),
  inToto: (bytes) => parseInTotoStatement(bytes, { subjectDigest: SUBJECT, maxBytes: 64 * 1024 }),
  bundle: (bytes) => readSigstoreBundle(bytes, { subjectDigest: SUBJECT, maxBytes: 64 * 1024 }),
  rekorAnnotation: (bytes) => parseRekorBundleAnnotation(Buffer.from(bytes).toString('utf8')),
  rfc3161Annotation: (bytes) => parseRfc3161TimestampAnnotation(Buffer.from(bytes).toString('utf8')),
};

function outcome(parse: (bytes: Uint8Array) => unknown, bytes: Uint8Array): 'parsed' | 'refused' {
  try {
    parse(bytes);
    return 'parsed';
  } catch (error) {
    if (error instanceof DiscoveryError) return 'refused';
    throw error;
  }
}

const EXTRACTED = join(
  CONFORMANCE_DIR,
  'cosign-real',
  'containers-image',
  'extracted',
  'dir-img-cosign-fulcio-rekor-valid',
);
const BUNDLE = join(
  CONFORMANCE_DIR,
  'sigstore-conformance',
  'test',
  'assets',
  'bundle-verify',
  'rekor2-dsse-happy-path',
);
const seeds = [
  readFileSync(join(EXTRACTED, 'payload.json')),
  readFileSync(join(EXTRACTED, 'rekor-bundle.json')),
  readFileSync(join(BUNDLE, 'bundle.sigstore.json')),
].map((b) => new Uint8Array(b));

/** A real document with a few bytes overwritten, inserted or cut: near-valid input finds the edge cases. */
const mutated = fc
  .tuple(
    fc.constantFrom(...seeds),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('set', 'insert', 'cut')), {
      minLength: 1,
      maxLength: 8,
    }),
  )
  .map(([seed, edits]) => {
    const bytes = [...seed];
    for (const [at, value, op] of edits) {
      const i = at % (bytes.length + 1);
      if (op === 'set' && i < bytes.length) bytes[i] = value;
      else if (op === 'insert') bytes.splice(i, 0, value);
      else bytes.splice(i, 1);
    }
    return new Uint8Array(bytes);
  });

const jsonDocument = fc.jsonValue({ maxDepth: 6 }).map((v) => new TextEncoder().encode(JSON.stringify(v)));

/** JSON shaped like the real thing, with every field's type left to chance. */
const shapedDocument = fc
  .record({
    critical: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ image: fc.jsonValue({ maxDepth: 2 }) })),
    optional: fc.jsonValue({ maxDepth: 3 }),
    subject: fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.array(fc.record({ digest: fc.jsonValue({ maxDepth: 2 }) })),
    ),
    dsseEnvelope: fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.record({ payloadType: fc.constant('application/vnd.in-toto+json'), payload: fc.base64String() }),
    ),
    Payload: fc.jsonValue({ maxDepth: 3 }),
  })
  .map((v) => new TextEncoder().encode(JSON.stringify(v)));

describe.each(Object.entries(parsers))('the %s parser, on hostile input', (_name, parse) => {
  it('returns or refuses arbitrary bytes, never crashes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => void outcome(parse, bytes)),
      { numRuns: 300 },
    );
  });

  it('returns or refuses arbitrary JSON documents', () => {
    fc.assert(
      fc.property(jsonDocument, (bytes) => void outcome(parse, bytes)),
      { numRuns: 300 },
    );
  });

  it('returns or refuses documents shaped like signatures with fields of any type', () => {
    fc.assert(
      fc.property(shapedDocument, (bytes) => void outcome(parse, bytes)),
      { numRuns: 300 },
    );
  });

  it('returns or refuses mutated real signatures', () => {
    fc.assert(
      fc.property(mutated, (bytes) => void outcome(parse, bytes)),
      { numRuns: 300 },
    );
  });
});

describe('the parsers on pathological sizes', () => {
  it('refuse 100 000 levels of nesting quickly and without a stack overflow', () => {
    const deep = new TextEncoder().encode(`{"optional":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    const started = Date.now();
    expect(outcome(parsers.simpleSigning!, deep)).toBe('refused');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuse a payload over the cap before decoding it', () => {
    const big = new Uint8Array(64 * 1024 + 1).fill(0x20);
    expect(() => parseSimpleSigningPayload(big, { maxBytes: 64 * 1024 })).toThrow(
      /more than the 65536 allowed/,
    );
  });
});
