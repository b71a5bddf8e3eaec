import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseReference, ReferenceError } from './index.js';

const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split(''));
const word = fc.string({ unit: alnum, minLength: 1, maxLength: 8 });
const separator = fc.constantFrom('.', '_', '__', '-', '--');

/** A valid repository path component: words joined by single separators. */
const component = fc
  .tuple(word, fc.array(fc.tuple(separator, word), { maxLength: 2 }))
  .map(([head, tail]) => head + tail.map(([s, w]) => s + w).join(''));

const label = fc.string({ unit: alnum, minLength: 1, maxLength: 6 });
const registry = fc.oneof(
  fc.constant(undefined),
  fc.constant('localhost'),
  fc.tuple(label, label).map(([a, b]) => `${a}.${b}`),
  fc.tuple(label, label, fc.integer({ min: 1, max: 65535 })).map(([a, b, port]) => `${a}.${b}:${port}`),
  fc.integer({ min: 1, max: 65535 }).map((port) => `localhost:${port}`),
);
const tagChars = fc.constantFrom(...'abcXYZ019_.-'.split(''));
const tag = fc
  .tuple(fc.constantFrom('a', 'Z', '0', '_'), fc.string({ unit: tagChars, maxLength: 20 }))
  .map(([first, rest]) => first + rest);
const hex = fc.constantFrom(...'0123456789abcdef'.split(''));
const digest = fc.string({ unit: hex, minLength: 64, maxLength: 64 }).map((h) => `sha256:${h}`);

/** Valid references as a user might type them (registry, tag and digest each optional). */
const validReference = fc
  .record({
    registry,
    path: fc.array(component, { minLength: 1, maxLength: 3 }),
    tag: fc.option(tag, { nil: undefined }),
    digest: fc.option(digest, { nil: undefined }),
  })
  .map(({ registry, path, tag, digest }) => {
    // Without a registry, a first component with a '.' would itself be read as a registry (Docker's
    // rule), so Docker Hub paths get a dot-free first component.
    const hubPath = path.length > 1 ? [path[0]!.replaceAll('.', '-'), ...path.slice(1)] : path;
    const name = registry === undefined ? hubPath.join('/') : `${registry}/${path.join('/')}`;
    return `${name}${tag === undefined ? '' : `:${tag}`}${digest === undefined ? '' : `@${digest}`}`;
  });

function rejectsCleanly(input: string): boolean {
  try {
    parseReference(input);
    return false;
  } catch (error) {
    return error instanceof ReferenceError && error.code === 'INVALID_REFERENCE';
  }
}

describe('parseReference, for generated references', () => {
  it('round-trips: parsing the canonical form gives the same reference', () => {
    fc.assert(
      fc.property(validReference, (input) => {
        const ref = parseReference(input);
        const again = parseReference(ref.toString());
        expect(again.toString()).toBe(ref.toString());
        expect({ ...again }).toEqual({ ...ref });
      }),
    );
  });

  it('always has an identifier: the digest when given, else the tag, else latest', () => {
    fc.assert(
      fc.property(validReference, (input) => {
        const ref = parseReference(input);
        expect(ref.identifier).toBe(ref.digest ?? ref.tag);
        if (ref.digest === undefined && !/:[^/]*$/.test(input.split('@')[0]!)) expect(ref.tag).toBe('latest');
      }),
    );
  });

  it('rejects an uppercase repository with INVALID_REFERENCE', () => {
    fc.assert(
      fc.property(fc.array(component, { minLength: 1, maxLength: 3 }), (path) => {
        const upper = `ghcr.io/${path.join('/').toUpperCase()}`;
        fc.pre(/[A-Z]/.test(upper.slice('ghcr.io/'.length)));
        expect(rejectsCleanly(upper)).toBe(true);
      }),
    );
  });

  it('rejects a corrupted digest with INVALID_REFERENCE', () => {
    fc.assert(
      fc.property(
        validReference,
        digest,
        fc.integer({ min: 0, max: 70 }),
        fc.constantFrom('G', 'A', ':', ''),
        (input, d, at, ch) => {
          const base = input.split('@')[0]!;
          const broken = d.slice(0, at) + ch + d.slice(at + 1);
          fc.pre(broken !== d);
          expect(rejectsCleanly(`${base}@${broken}`)).toBe(true);
        },
      ),
    );
  });

  it('never throws anything but a ReferenceError, whatever the input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          validReference.chain((v) => mutate(v)),
        ),
        (input) => {
          try {
            const ref = parseReference(input);
            // Anything accepted must itself round-trip.
            expect(parseReference(ref.toString()).toString()).toBe(ref.toString());
          } catch (error) {
            expect(error).toBeInstanceOf(ReferenceError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

/** A valid reference with one character inserted, replaced or removed somewhere. */
function mutate(valid: string): fc.Arbitrary<string> {
  const weird = fc.constantFrom('/', ':', '@', '.', '-', 'A', ' ', '\u0000', 'é', '//', '::');
  return fc
    .tuple(fc.integer({ min: 0, max: valid.length }), weird, fc.boolean())
    .map(([at, ch, replace]) => valid.slice(0, at) + ch + valid.slice(replace ? at + 1 : at));
}
