import { describe, expect, it } from 'vitest';
import { fitWidths, renderTable, renderText, shortIds, truncate, visibleLength } from '#cli/table.ts';

describe('CLI tables', () => {
  it('cuts a cell with an ellipsis only when it is too long', () => {
    expect(truncate('abcdef', 6)).toBe('abcdef');
    expect(truncate('abcdefgh', 6)).toBe('abcde…');
    expect(visibleLength('\x1b[32myes\x1b[39m')).toBe(3);
  });

  it('shrinks the widest column first until the row fits', () => {
    expect(fitWidths([10, 40, 5], 40)).toEqual([10, 21, 5]);
    expect(fitWidths([3, 3], 100)).toEqual([3, 3]);
  });

  it('keeps every line within the width, ellipsising the long cells', () => {
    const arn = `arn:aws:ecs:us-east-1:000000000000:container-instance/web/${'f'.repeat(32)}`;
    const out = renderTable(['ID', 'STATUS', 'NOTE'], [[arn, 'ACTIVE', 'x'.repeat(80)]], 60);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(visibleLength(line)).toBeLessThanOrEqual(60);
    expect(lines[1]).toContain('…');
    expect(lines[1]).toContain('ACTIVE');
  });

  it('leaves a table alone when it already fits', () => {
    expect(renderTable(['A', 'BB'], [['x', 'y']], Number.POSITIVE_INFINITY)).toBe('A  BB\nx  y\n');
  });

  it('prints text output tab-separated and uncut', () => {
    expect(renderText([['a', 'b'.repeat(200)]])).toBe(`a\t${'b'.repeat(200)}\n`);
  });

  it('shows ARNs as short ids only when those are unambiguous', () => {
    const a = 'arn:aws:ecs:us-east-1:0:container-instance/one/abc';
    const b = 'arn:aws:ecs:us-east-1:0:container-instance/two/def';
    const c = 'arn:aws:ecs:us-east-1:0:container-instance/two/abc';
    expect(shortIds([a, b])).toEqual(['abc', 'def']);
    expect(shortIds([a, c])).toEqual([a, c]);
  });
});
