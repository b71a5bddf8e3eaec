import { describe, expect, it } from 'vitest';
import { MAX_VEX_FIELD_LENGTH, MAX_VEX_LIST_ITEMS, MAX_VEX_STATEMENTS, openVexOf } from './index.js';

// Documents below are hand-written in the shape of the OpenVEX spec (v0.2.0 and the older v0.0.x
// with a bare vulnerability string and product strings), not produced by a tool.
const statement = (predicateType: string, predicate: unknown) => ({
  _type: 'https://in-toto.io/Statement/v1',
  subject: [],
  predicateType,
  predicate,
});

const V020 = {
  '@context': 'https://openvex.dev/ns/v0.2.0',
  '@id': 'https://openvex.dev/docs/example/vex-9fb3463de1b57',
  author: 'Wolfi J Inkinson',
  role: 'Document Creator',
  timestamp: '2023-01-08T18:02:03.647787998-06:00',
  version: 1,
  statements: [
    {
      vulnerability: { name: 'CVE-2014-123456', aliases: ['GHSA-xxxx-yyyy-zzzz'] },
      timestamp: '2023-01-09T08:00:00Z',
      products: [
        {
          '@id': 'pkg:apk/wolfi/git@2.39.0-r1?arch=armv7',
          subcomponents: [{ '@id': 'pkg:apk/wolfi/openssl@3.0.7-r0' }],
        },
      ],
      status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
      impact_statement: 'The vulnerable function is never called.',
    },
    {
      vulnerability: { name: 'CVE-2023-0001' },
      products: [{ '@id': 'pkg:oci/widget@sha256%3Aabc' }],
      status: 'fixed',
    },
  ],
};

describe('OpenVEX view', () => {
  it('reads a v0.2.0 document under the unversioned predicate type cosign writes', () => {
    expect(openVexOf(statement('https://openvex.dev/ns', V020))).toEqual({
      context: 'https://openvex.dev/ns/v0.2.0',
      id: 'https://openvex.dev/docs/example/vex-9fb3463de1b57',
      author: 'Wolfi J Inkinson',
      timestamp: '2023-01-08T18:02:03.647787998-06:00',
      version: 1,
      statementCount: 2,
      statements: [
        {
          vulnerability: 'CVE-2014-123456',
          aliases: ['GHSA-xxxx-yyyy-zzzz'],
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
          impactStatement: 'The vulnerable function is never called.',
          actionStatement: undefined,
          products: [
            {
              id: 'pkg:apk/wolfi/git@2.39.0-r1?arch=armv7',
              subcomponents: ['pkg:apk/wolfi/openssl@3.0.7-r0'],
            },
          ],
          timestamp: '2023-01-09T08:00:00Z',
        },
        {
          vulnerability: 'CVE-2023-0001',
          aliases: [],
          status: 'fixed',
          justification: undefined,
          impactStatement: undefined,
          actionStatement: undefined,
          products: [{ id: 'pkg:oci/widget@sha256%3Aabc', subcomponents: [] }],
          // None of its own: the document's, as OpenVEX's inheritance rule says.
          timestamp: '2023-01-08T18:02:03.647787998-06:00',
        },
      ],
    });
  });

  it('accepts versioned predicate types and the v0.0.x shape (bare strings)', () => {
    const view = openVexOf(
      statement('https://openvex.dev/ns/v0.0.1', {
        '@context': 'https://openvex.dev/ns',
        statements: [
          {
            vulnerability: 'CVE-2022-3602',
            products: ['pkg:oci/app@sha256:1234'],
            status: 'affected',
            action_statement: 'Upgrade openssl to 3.0.7',
          },
        ],
      }),
    );
    expect(view?.statements).toEqual([
      expect.objectContaining({
        vulnerability: 'CVE-2022-3602',
        status: 'affected',
        actionStatement: 'Upgrade openssl to 3.0.7',
        products: [{ id: 'pkg:oci/app@sha256:1234', subcomponents: [] }],
      }),
    ]);
  });

  it('is undefined for other predicate types, look-alike hosts and predicates without statements', () => {
    expect(openVexOf(statement('https://slsa.dev/provenance/v1', V020))).toBeUndefined();
    expect(openVexOf(statement('https://openvex.dev/nsx', V020))).toBeUndefined();
    expect(openVexOf(statement('https://openvex.dev.evil/ns/v0.2.0', V020))).toBeUndefined();
    expect(openVexOf(statement('https://openvex.dev/ns', { statements: 'nope' }))).toBeUndefined();
    expect(openVexOf(statement('https://openvex.dev/ns', null))).toBeUndefined();
    expect(openVexOf('not a statement')).toBeUndefined();
  });

  it('leaves out statements with an unknown status or no vulnerability, and malformed fields', () => {
    const view = openVexOf(
      statement('https://openvex.dev/ns/v0.2.0', {
        author: 42,
        statements: [
          { vulnerability: { name: 'CVE-1' }, status: 'probably_fine' },
          { vulnerability: {}, status: 'fixed' },
          null,
          [],
          {
            vulnerability: { name: 'CVE-2', aliases: [1, 'A', { x: 1 }] },
            status: 'under_investigation',
            justification: 'x'.repeat(MAX_VEX_FIELD_LENGTH + 1),
            products: [7, { '@id': 'pkg:a', subcomponents: 'no' }],
          },
        ],
      }),
    );
    expect(view?.author).toBeUndefined();
    expect(view?.statementCount).toBe(5);
    expect(view?.statements).toEqual([
      {
        vulnerability: 'CVE-2',
        aliases: ['A'],
        status: 'under_investigation',
        justification: undefined,
        impactStatement: undefined,
        actionStatement: undefined,
        products: [{ id: 'pkg:a', subcomponents: [] }],
        timestamp: undefined,
      },
    ]);
  });

  it('caps statements and products, and says how many there were', () => {
    const products = Array.from({ length: MAX_VEX_LIST_ITEMS + 5 }, (_, i) => `pkg:p${i}`);
    const statements = Array.from({ length: MAX_VEX_STATEMENTS + 10 }, (_, i) => ({
      vulnerability: { name: `CVE-${i}` },
      status: 'fixed',
      products,
    }));
    const view = openVexOf(statement('https://openvex.dev/ns', { statements }));
    expect(view?.statementCount).toBe(MAX_VEX_STATEMENTS + 10);
    expect(view?.statements).toHaveLength(MAX_VEX_STATEMENTS);
    expect(view?.statements[0]?.products).toHaveLength(MAX_VEX_LIST_ITEMS);
  });
});
