import { describe, expect, it } from 'vitest';
import { ReferrersSupport } from './referrers-support.js';

describe('ReferrersSupport', () => {
  it('fetches the fallback ahead for a registry not seen yet, and for one without the API', () => {
    const support = new ReferrersSupport();
    expect(support.fetchFallbackAhead('ghcr.io')).toBe(true);
    support.record('ghcr.io', false);
    expect(support.fetchFallbackAhead('ghcr.io')).toBe(true);
  });

  it('stops once a registry answered the API, and starts again when it says 404', () => {
    const support = new ReferrersSupport();
    support.record('registry.example', true);
    expect(support.fetchFallbackAhead('registry.example')).toBe(false);
    expect(support.fetchFallbackAhead('other.example')).toBe(true);
    support.record('registry.example', false);
    expect(support.fetchFallbackAhead('registry.example')).toBe(true);
  });

  it('forgets the least recently asked registries beyond its bound', () => {
    const support = new ReferrersSupport();
    support.record('first.example', true);
    for (let n = 0; n < 1024; n += 1) support.record(`r${n}.example`, true);
    expect(support.fetchFallbackAhead('first.example')).toBe(true);
    expect(support.fetchFallbackAhead('r1023.example')).toBe(false);
  });
});
