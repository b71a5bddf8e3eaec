import { afterAll, describe, expect, it } from 'vitest';
import {
  loadTrustRoot,
  parseTrustRoot,
  PolicyError,
  TrustRootError,
  verifyBundleArtifact,
  type VerificationIssue,
} from '../../src/verification/index.js';
import { loadConformanceCases, type ConformanceCase } from './sigstore-conformance-cases.js';

/**
 * The sigstore-conformance `bundle-verify` suite run through the service's own bundle path
 * (verifyBundleArtifact: same entity building, gap checks and policy as bundles found in registries).
 * No case is excluded. A case counts as rejected when verification fails, or when its inputs are
 * refused before verification (unparseable bundle JSON, an invalid key file, an invalid trust root)
 * — the reason is recorded and printed so a rejection for the wrong reason is visible.
 */
const cases = loadConformanceCases();
const publicGood = loadTrustRoot({ trustedRootPath: undefined });

type Outcome = { readonly verified: boolean; readonly reason: string };

function run(c: ConformanceCase): Outcome {
  let bundle: unknown;
  try {
    bundle = JSON.parse(c.bundleText);
  } catch (error) {
    return { verified: false, reason: `bundle is not JSON: ${(error as Error).message}` };
  }
  try {
    // Historical roots: validity windows are judged at signing time, not today.
    const root =
      c.trustedRoot === undefined
        ? publicGood
        : parseTrustRoot(c.trustedRoot, c.name, { requireCurrentAuthorities: false });
    const outcome = verifyBundleArtifact(bundle, c.artifact, c.policy, root);
    return { verified: outcome.verified, reason: summarize(outcome.errors) };
  } catch (error) {
    if (error instanceof PolicyError || error instanceof TrustRootError) {
      return { verified: false, reason: `${error.code}: ${error.message}` };
    }
    throw error;
  }
}

const summarize = (errors: readonly VerificationIssue[]): string =>
  errors.map((e) => `${e.code}: ${e.message}`).join('; ');

const results = new Map<string, Outcome>();

describe('sigstore-conformance bundle-verify', () => {
  it('has all 70 cases (21 to verify, 49 to reject) in the shared data', () => {
    expect(cases).toHaveLength(70);
    expect(cases.filter((c) => c.mustFail)).toHaveLength(49);
  });

  describe.each(cases.filter((c) => !c.mustFail).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    it('verifies', () => {
      const outcome = run(c);
      results.set(c.name, outcome);
      expect(outcome.reason).toBe('');
      expect(outcome.verified).toBe(true);
    });
  });

  describe.each(cases.filter((c) => c.mustFail).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    it('is rejected with a reason', () => {
      const outcome = run(c);
      results.set(c.name, outcome);
      expect(outcome.verified).toBe(false);
      expect(outcome.reason).not.toBe('');
    });
  });

  afterAll(() => {
    const agreeing = cases.filter((c) => results.get(c.name)?.verified === !c.mustFail).length;
    console.log(`sigstore-conformance bundle-verify: ${agreeing}/${cases.length} cases as expected`);
    for (const c of cases.filter((x) => x.mustFail))
      console.log(`  ${c.name}: ${results.get(c.name)?.reason ?? '(not run)'}`);
  });
});

describe('the rejections that prove a gap is closed', () => {
  const reasonOf = (name: string) => {
    const c = cases.find((x) => x.name === name);
    if (c === undefined) throw new Error(`missing case ${name}`);
    return run(c).reason;
  };

  it('rejects a v2 bundle with no timestamp as TIMESTAMP_MISSING instead of crashing', () => {
    expect(reasonOf('rekor2-no-timestamp_fail')).toMatch(/^TIMESTAMP_MISSING/);
  });

  it('rejects a trust root whose log has no validity start', () => {
    expect(reasonOf('trust-root-tlog-missing-validity-start_fail')).toMatch(/without validFor.start/);
  });
});
