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

const index = { registry: 'r.example', repository: 'app', indexDigest: 'sha256:' + 'a'.repeat(64) };
const other = { ...index, indexDigest: 'sha256:' + 'b'.repeat(64) };
const members = ['sha256:' + '1'.repeat(64), 'sha256:' + '2'.repeat(64)];

describe('the index-membership version', () => {
  it('changes version when a digest gains a listing', () => {
    const record = new IndexMembership();
    record.record(index, members);
    expect(record.version).toBe(1);
    expect(record.lookup('r.example', 'app', members[0] as string)).toEqual(index);
  });

  it('keeps its version when the same listing is recorded again (every warm query does this)', () => {
    const record = new IndexMembership();
    record.record(index, members);
    record.record(index, members);
    record.record(index, [members[1] as string]);
    expect(record.version).toBe(1);
  });

  it('changes version when a digest moves to another index', () => {
    const record = new IndexMembership();
    record.record(index, members);
    record.record(other, [members[0] as string]);
    expect(record.version).toBe(2);
  });

  it('changes version when recording evicts older listings', () => {
    const record = new IndexMembership(1);
    record.record(index, [members[0] as string]);
    record.record(index, [members[1] as string]);
    expect(record.version).toBe(2);
    expect(record.lookup('r.example', 'app', members[0] as string)).toBeUndefined();
  });
});
