import { describe, expect, it } from 'vitest';
import { IndexMembership } from './index-membership.js';

const listing = (indexDigest: string) => ({ registry: 'r.example', repository: 'acme/app', indexDigest });

describe('IndexMembership', () => {
  it('finds the index that listed a platform digest, in the same repository only', () => {
    const m = new IndexMembership();
    m.record(listing('sha256:index'), ['sha256:a', 'sha256:b']);
    expect(m.lookup('r.example', 'acme/app', 'sha256:b')?.indexDigest).toBe('sha256:index');
    expect(m.lookup('r.example', 'acme/other', 'sha256:b')).toBeUndefined();
  });

  it('evicts the least recently recorded entries beyond its bound', () => {
    const m = new IndexMembership(2);
    m.record(listing('sha256:i1'), ['sha256:a']);
    m.record(listing('sha256:i2'), ['sha256:b']);
    m.record(listing('sha256:i1'), ['sha256:a']); // refresh a
    m.record(listing('sha256:i3'), ['sha256:c']); // evicts b
    expect(m.size).toBe(2);
    expect(m.lookup('r.example', 'acme/app', 'sha256:b')).toBeUndefined();
    expect(m.lookup('r.example', 'acme/app', 'sha256:a')?.indexDigest).toBe('sha256:i1');
  });
});
