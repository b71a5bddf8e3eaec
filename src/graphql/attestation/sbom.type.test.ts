import { describe, expect, it } from 'vitest';
import type { AttestationView } from '../../services/attestation-views.js';
import type { GraphQLContext } from '../context.js';
import { Attestation } from './attestation.type.js';
import { AttestationSbomResolver } from './sbom.type.js';

/** The statement of an attestation whose `statement` reads are counted. */
function counted(digest: string, predicateType: string, predicate: unknown) {
  const reads = { count: 0 };
  const view = {
    get statement() {
      reads.count++;
      return { predicateType, predicate };
    },
  } as unknown as AttestationView;
  return { attestation: Object.assign(new Attestation(), { digest, predicateType, view }), reads };
}

const BOM = { bomFormat: 'CycloneDX', specVersion: '1.6', components: [{ name: 'a' }, { name: 'b' }] };

describe('Attestation.sbom', () => {
  const resolver = new AttestationSbomResolver();

  it('parses a statement once per digest per request, however often it is asked for', () => {
    const ctx = {} as GraphQLContext;
    const one = counted('sha256:1', 'https://cyclonedx.org/bom', BOM);
    const again = counted('sha256:1', 'https://cyclonedx.org/bom', BOM);
    const first = resolver.sbom(one.attestation, ctx);
    const second = resolver.sbom(again.attestation, ctx);
    expect(first?.componentCount).toBe(2);
    expect(second?.view).toBe(first?.view);
    expect(one.reads.count + again.reads.count).toBe(1);
    expect(first?.components({ first: 1 }).items.map((c) => c.name)).toEqual(['a']);
    expect(one.reads.count + again.reads.count).toBe(1);
    // Another request parses it again: nothing is kept across requests here.
    resolver.sbom(again.attestation, {} as GraphQLContext);
    expect(again.reads.count).toBe(1);
  });

  it('answers other predicate types with null without reading the statement', () => {
    const provenance = counted('sha256:2', 'https://slsa.dev/provenance/v1', {});
    expect(resolver.sbom(provenance.attestation, {} as GraphQLContext)).toBeNull();
    expect(provenance.reads.count).toBe(0);
  });
});
