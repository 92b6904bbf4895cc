import { describe, expect, it } from 'vitest';
import { FrameCollector } from './collector.js';

describe('FrameCollector', () => {
  it('completes when frames 1…n are in, in any order', () => {
    const c = new FrameCollector<string>(3);
    expect(c.add(3, 'c')).toBe(false);
    expect(c.add(1, 'a')).toBe(false);
    expect(c.missing()).toEqual([2]);
    expect(c.ordered()).toEqual(['a', undefined, 'c']);
    expect(c.add(2, 'b')).toBe(true);
    expect(c.ordered()).toEqual(['a', 'b', 'c']);
  });

  it('switches to numbering from 0 once a frame 0 arrives', () => {
    const c = new FrameCollector<string>(2);
    expect(c.add(0, 'a')).toBe(false);
    expect(c.missing()).toEqual([1]);
    expect(c.add(1, 'b')).toBe(true);
    expect(c.ordered()).toEqual(['a', 'b']);
  });

  it('ignores frames past the count and the invalid 0xFF, and keeps the last copy of a repeat', () => {
    const c = new FrameCollector<string>(1);
    expect(c.add(0xff, 'x')).toBe(false);
    expect(c.add(2, 'y')).toBe(false);
    expect(c.add(1, 'old')).toBe(true);
    c.add(1, 'new');
    expect(c.ordered()).toEqual(['new']);
  });

  it('reports everything missing when nothing came', () => {
    expect(new FrameCollector<string>(4).missing()).toEqual([1, 2, 3, 4]);
  });
});
