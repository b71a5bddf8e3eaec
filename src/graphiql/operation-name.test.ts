import { describe, expect, it } from 'vitest';
import { reconcileOperationName } from './operation-name.js';

describe('reconcileOperationName', () => {
  it('keeps a name the document defines', () => {
    expect(reconcileOperationName('query A { a } query B { b }', 'B')).toBe('B');
  });

  it("replaces another tab's name with the only operation the document defines", () => {
    expect(
      reconcileOperationName(
        'query VerifyIndex($ref: String!) { image(ref: $ref) { digest } }',
        'PlatformViaIndex',
      ),
    ).toBe('VerifyIndex');
  });

  it('names the only operation when none was given, and sends none for an anonymous one', () => {
    expect(reconcileOperationName('query Only { a }', undefined)).toBe('Only');
    expect(reconcileOperationName('{ a }', 'Stale')).toBeUndefined();
  });

  it('does not guess among several operations, nor rewrite a document that does not parse', () => {
    expect(reconcileOperationName('query A { a } query B { b }', 'C')).toBe('C');
    expect(reconcileOperationName('query A {', 'B')).toBe('B');
    expect(reconcileOperationName('query A {', null)).toBeUndefined();
  });

  it('counts only operations, not fragments', () => {
    expect(reconcileOperationName('fragment F on Image { digest } query Q { a }', 'F')).toBe('Q');
  });
});
