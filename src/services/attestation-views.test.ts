import { describe, expect, it } from 'vitest';
import type { DiscoveredAttestation } from '../attestations/discovery/index.js';
import { describeAttestation } from './attestation-views.js';

/** A BuildKit statement: the one storage form with no signing material to build. */
function buildKitAttestation(statement: object): DiscoveredAttestation {
  const bytes = new TextEncoder().encode(JSON.stringify(statement));
  return {
    kind: 'buildkit',
    subjectDigest: `sha256:${'cd'.repeat(32)}`,
    manifestDigest: `sha256:${'ef'.repeat(32)}`,
    layerDigest: `sha256:${'ab'.repeat(32)}`,
    statement: { type: 'https://in-toto.io/Statement/v1', predicateType: 'x', subjects: [], bytes },
    annotations: {},
  };
}

describe('describeAttestation', () => {
  it('parses the statement once however many fields read it', () => {
    const view = describeAttestation(buildKitAttestation({ predicate: { builder: { id: 'b' } } }));
    const first = view.statement;
    expect(first).toMatchObject({ predicate: { builder: { id: 'b' } } });
    // The same object again, not an equal one parsed anew.
    expect(view.statement).toBe(first);
  });
});
