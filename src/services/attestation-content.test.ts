import { describe, expect, it } from 'vitest';
import { ContentMemo } from '../cache/index.js';
import { AttestationContentService, MalformedPredicateError } from './attestation-content.js';
import type { AttestationView } from './attestation-views.js';

/** An attestation whose statement reads (what a view computation does first) are counted. */
function counted(digest: string, predicateType: string, predicate: unknown, statementSize = 100) {
  const reads = { count: 0 };
  const view = {
    digest,
    predicateType,
    statementSize,
    get content() {
      reads.count++;
      return { predicateType, predicate };
    },
  } as unknown as AttestationView;
  return { view, reads };
}

const CDX = 'https://cyclonedx.org/bom';
const BOM = { bomFormat: 'CycloneDX', specVersion: '1.6', components: [{ name: 'a' }, { name: 'b' }] };

describe('AttestationContentService', () => {
  it('reads a statement once per digest per request, however often it is asked for', () => {
    const service = new AttestationContentService();
    const one = counted('sha256:1', CDX, BOM);
    const again = counted('sha256:1', CDX, BOM);
    expect(service.view('sbom', one.view)?.componentCount).toBe(2);
    expect(service.view('sbom', again.view)).toBe(service.view('sbom', one.view));
    expect(one.reads.count + again.reads.count).toBe(1);
  });

  it('without a view cache, another request reads it again', () => {
    const a = counted('sha256:1', CDX, BOM);
    new AttestationContentService().view('sbom', a.view);
    new AttestationContentService().view('sbom', a.view);
    expect(a.reads.count).toBe(2);
  });

  it('with the process-wide view cache, requests after the first read nothing', () => {
    const cache = new ContentMemo(1024 * 1024);
    const a = counted('sha256:1', CDX, BOM);
    const first = new AttestationContentService(cache).view('sbom', a.view);
    const second = new AttestationContentService(cache).view('sbom', a.view);
    expect(second).toBe(first);
    expect(a.reads.count).toBe(1);
    // A different digest is a different statement, whatever the rest says.
    const b = counted('sha256:2', CDX, BOM);
    new AttestationContentService(cache).view('sbom', b.view);
    expect(b.reads.count).toBe(1);
  });

  it('does not keep a view heavier than a quarter of the bound, and keeps nothing at 0', () => {
    const small = new ContentMemo(64 * 1024);
    const big = counted('sha256:big', CDX, BOM, 16 * 1024);
    new AttestationContentService(small).view('sbom', big.view);
    new AttestationContentService(small).view('sbom', big.view);
    expect(big.reads.count).toBe(2);
    const none = new ContentMemo(0);
    const a = counted('sha256:1', CDX, BOM);
    new AttestationContentService(none).view('sbom', a.view);
    new AttestationContentService(none).view('sbom', a.view);
    expect(a.reads.count).toBe(2);
    expect(none.size).toBe(0);
  });

  it('answers other predicate types with null without reading the statement', () => {
    const provenance = counted('sha256:2', 'https://slsa.dev/provenance/v1', {});
    const service = new AttestationContentService();
    expect(service.view('sbom', provenance.view)).toBeNull();
    expect(service.view('openVex', provenance.view)).toBeNull();
    expect(provenance.reads.count).toBe(0);
  });

  it('reports a predicate of the right type that is not a document of it, saying why, every time', () => {
    const cache = new ContentMemo(1024 * 1024);
    const cases: [string, string, unknown, RegExp][] = [
      ['sbom', CDX, { bomFormat: 'SPDX' }, /predicate\.bomFormat is "SPDX", not "CycloneDX"/],
      [
        'sbom',
        CDX,
        { bomFormat: 'CycloneDX', components: {} },
        /predicate\.components is an object, not a list/,
      ],
      [
        'sbom',
        'https://spdx.dev/Document',
        { spdxVersion: 'SPDX-3.0' },
        /spdxVersion is "SPDX-3\.0", not "SPDX-2\.x"/,
      ],
      ['sbom', 'https://spdx.dev/Document', 'text', /its predicate is "text", not an object/],
      [
        'openVex',
        'https://openvex.dev/ns/v0.2.0',
        { statements: 7 },
        /predicate\.statements is a number, not a list/,
      ],
      ['provenance', 'https://slsa.dev/provenance/v1', null, /its predicate is null, not an object/],
      [
        'vulnScan',
        'https://cosign.sigstore.dev/attestation/vuln/v1',
        [],
        /its predicate is a list, not an object/,
      ],
    ];
    for (const [n, [kind, type, predicate, reason]] of cases.entries()) {
      const a = counted(`sha256:${n}`, type, predicate);
      for (const service of [new AttestationContentService(cache), new AttestationContentService(cache)]) {
        let caught: unknown;
        try {
          service.view(kind as 'sbom', a.view);
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(MalformedPredicateError);
        expect(caught).toMatchObject({ code: 'MALFORMED_PREDICATE', message: expect.stringMatching(reason) });
      }
    }
  });
});
