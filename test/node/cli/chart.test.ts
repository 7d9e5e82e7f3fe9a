import { describe, expect, it } from 'vitest';
import { lineChart } from '../../../src/node/cli/chart.js';

/** The y label of each line (the text before the axis symbol), trimmed. */
const labelsOf = (lines: readonly string[], width: number) => lines.map((l) => l.slice(0, width).trim());

describe('lineChart', () => {
  it('draws height + 1 rows spanning the values, labelled top to bottom', () => {
    const { lines, labelWidth } = lineChart([0, 1, 2, 3, 4], 4);
    expect(labelWidth).toBe(11);
    // Point i on row 4 - i: a straight rising line, the first point on the axis.
    expect(lines).toEqual([
      '      4.000 ┤   ╭',
      '      3.000 ┤  ╭╯',
      '      2.000 ┤ ╭╯',
      '      1.000 ┤╭╯',
      '      0.000 ┼╯',
    ]);
  });

  const constants: [string, number, string][] = [
    ['a huge constant', 1e20, '1.000e+20'],
    ['the largest double', Number.MAX_VALUE, '1.798e+308'],
    ['a tiny constant (asciichart alone labels it 0.000)', 1e-300, '1.000e-300'],
    ['the smallest subnormal', Number.MIN_VALUE, '4.941e-324'],
    ['zero', 0, '0.000'],
    ['a negative constant', -2.5, '-2.500'],
  ];
  for (const [name, value, label] of constants) {
    it(`${name} is one row labelled with its value`, () => {
      const { lines, labelWidth } = lineChart([value, value, value], 6);
      expect(lines).toEqual([`${label.padStart(labelWidth)} ┼──`]);
    });
  }

  it('a curve that moves by one ulp is drawn to full height, with labels long enough to tell its ends apart', () => {
    const next = 1 + Number.EPSILON;
    const { lines, labelWidth } = lineChart([1, 1, next, next], 4);
    expect(lines).toHaveLength(5);
    const labels = labelsOf(lines, labelWidth);
    expect(Number(labels[0])).toBe(next);
    expect(Number(labels[4])).toBe(1);
    expect(labelWidth).toBe(18);
  });

  it('labels rows in more digits when 4 cannot tell neighbours apart', () => {
    const { lines, labelWidth } = lineChart([1, 1.001], 4);
    expect(labelsOf(lines, labelWidth)).toEqual(['1.0010', '1.0008', '1.0005', '1.0002', '1.0000']);
  });

  it('a span wider than the largest double (-1.7e308 .. 1.7e308) is drawn without overflowing', () => {
    expect(lineChart([-1.7e308, 0, 1.7e308], 2).lines).toEqual([
      ' 1.700e+308 ┤ ╭',
      '      0.000 ┤╭╯',
      '-1.700e+308 ┼╯',
    ]);
  });

  it('refuses a value that is not finite, naming its index', () => {
    expect(() => lineChart([1, Infinity], 4)).toThrowError('series[1]: got Infinity, expected a finite number');
    expect(() => lineChart([Number.NaN], 4)).toThrowError('series[0]: got NaN, expected a finite number');
    expect(() => lineChart([], 4)).toThrowError(/^series: got \[\], expected at least one value$/);
  });
});
