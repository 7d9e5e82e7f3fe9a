import { plot } from 'asciichart';
import { HyperscheduleError } from '../../errors.js';

/** A drawn chart and the width of its y labels (the axis is the column after them). */
export interface LineChart {
  /** The chart's lines: `height + 1` of them, or one for a constant series. */
  readonly lines: readonly string[];
  /** Characters before the axis symbol; the curve's first point is drawn on the axis. */
  readonly labelWidth: number;
}

/** Labels are at least this wide, so charts of ordinary values line up. */
const MIN_LABEL_WIDTH = 11;

/** Position of each value in [0, 1] between `lo` and `hi`, without overflowing when `hi - lo` does. */
function positions(series: readonly number[], lo: number, hi: number): number[] {
  const span = hi - lo;
  if (Number.isFinite(span)) return series.map((v) => (v - lo) / span);
  const half = hi / 2 - lo / 2;
  return series.map((v) => (v / 2 - lo / 2) / half);
}

/**
 * Y labels from the top row down, in the fewest significant digits (4 or more, at most 17) that
 * tell neighbouring rows apart, padded to one width.
 */
function labels(lo: number, hi: number, height: number): string[] {
  const span = hi - lo;
  const values = hi === lo
    ? [lo]
    : Array.from({ length: height + 1 }, (_, i) => (Number.isFinite(span) ? hi - (i * span) / height : hi * (1 - i / height) + lo * (i / height)));
  let texts: string[] = [];
  for (let digits = 4; digits <= 17; digits++) {
    texts = values.map((v) => v.toPrecision(digits));
    if (texts.every((t, i) => i === 0 || t !== texts[i - 1])) break;
  }
  const width = Math.max(MIN_LABEL_WIDTH, ...texts.map((t) => t.length));
  return texts.map((t) => t.padStart(width));
}

/**
 * Draws one series as an ASCII line chart (asciichart) of `height + 1` rows, for any finite
 * values. asciichart scales the raw values itself and loops once per scaled unit from the
 * smallest to the largest: a huge constant (`1e20`) or a curve that moves by one ulp scales past
 * 2^53, where `y++` no longer moves, and it never returns. Here the series is mapped onto rows
 * 1..height+1 first, so asciichart always sees the same small range, and the y labels are
 * computed from the real values (with as many digits as it takes to tell rows apart). A constant
 * series is one row labelled with its value.
 *
 * @example
 * ```ts
 * import { lineChart } from './chart.js';
 * lineChart([1e20, 1e20, 1e20], 4).lines; // ['  1.000e+20 ┼──']
 * lineChart([0, 1, 2], 2).lines.length; // 3
 * ```
 */
export function lineChart(series: readonly number[], height: number): LineChart {
  if (series.length === 0) throw new HyperscheduleError('series', series, 'at least one value');
  if (!(Number.isInteger(height) && height >= 1)) throw new HyperscheduleError('height', height, 'an integer >= 1');
  let lo = Infinity;
  let hi = -Infinity;
  series.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new HyperscheduleError(`series[${i}]`, v, 'a finite number');
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  });
  const rowLabels = labels(lo, hi, height);
  const constant = hi === lo;
  const rows = constant ? series.map(() => 1) : positions(series, lo, hi).map((p) => 1 + p * height);
  const chart = plot(rows, { min: 1, max: constant ? 1 : 1 + height, height, format: (_value, row) => rowLabels[row]! });
  return { lines: chart.split('\n').map((line) => line.trimEnd()), labelWidth: rowLabels[0]!.length };
}
