import { describe, expect, it } from 'vitest';
import { VersionedIndexMembership } from './versioned-index-membership.js';

const index = { registry: 'r.example', repository: 'app', indexDigest: 'sha256:' + 'a'.repeat(64) };
const other = { ...index, indexDigest: 'sha256:' + 'b'.repeat(64) };
const members = ['sha256:' + '1'.repeat(64), 'sha256:' + '2'.repeat(64)];

describe('the versioned index-membership record', () => {
  it('changes version when a digest gains a listing', () => {
    const record = new VersionedIndexMembership();
    record.record(index, members);
    expect(record.version).toBe(1);
    expect(record.lookup('r.example', 'app', members[0] as string)).toEqual(index);
  });

  it('keeps its version when the same listing is recorded again (every warm query does this)', () => {
    const record = new VersionedIndexMembership();
    record.record(index, members);
    record.record(index, members);
    record.record(index, [members[1] as string]);
    expect(record.version).toBe(1);
  });

  it('changes version when a digest moves to another index', () => {
    const record = new VersionedIndexMembership();
    record.record(index, members);
    record.record(other, [members[0] as string]);
    expect(record.version).toBe(2);
  });

  it('changes version when recording evicts older listings', () => {
    const record = new VersionedIndexMembership(1);
    record.record(index, [members[0] as string]);
    record.record(index, [members[1] as string]);
    expect(record.version).toBe(2);
    expect(record.lookup('r.example', 'app', members[0] as string)).toBeUndefined();
  });
});
