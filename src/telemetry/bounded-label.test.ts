import { describe, expect, it } from 'vitest';
import { BoundedLabel } from './bounded-label.js';

describe('BoundedLabel', () => {
  it('keeps the first values as they are and counts later ones as other', () => {
    const label = new BoundedLabel(2);
    expect(label.value('a.example')).toBe('a.example');
    expect(label.value('b.example')).toBe('b.example');
    expect(label.value('c.example')).toBe('other');
  });

  it('keeps answering a value it already admitted after the limit is reached', () => {
    const label = new BoundedLabel(1);
    label.value('a.example');
    label.value('b.example');
    expect(label.value('a.example')).toBe('a.example');
  });
});
