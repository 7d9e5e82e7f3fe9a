import { describe, expect, it } from 'vitest';
import { runLogCsv, type RunLogRow } from '../../../src/node/index.js';

/** An RFC 4180 reader written for the test: quoted fields, doubled quotes, commas and newlines inside quotes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || record.length > 0) throw new Error('CSV does not end with a newline');
  return records;
}

/** CSV text back to rows: '' is an absent key, 'null' a null, anything else a number. */
function rowsOf(text: string): RunLogRow[] {
  const [header, ...lines] = parseCsv(text);
  return lines.map((cells) => {
    const row: Record<string, number | null> = {};
    header!.forEach((key, i) => {
      const cell = cells[i]!;
      if (cell === '') return;
      row[key] = cell === 'null' ? null : Number(cell);
    });
    return row as RunLogRow;
  });
}

describe('runLogCsv', () => {
  it('round-trips rows exactly: full-precision numbers, nulls, absent keys, awkward key names', () => {
    const rows: RunLogRow[] = [
      { step: 1, wallTime: 1_700_000_000.123456, loss: 0.1 + 0.2, 'param/lr': 1e-7, 'a,b': 5e-324 },
      { step: 2, wallTime: 1_700_000_001.5, loss: null, 'param/lr': 123456789.12345679, 'say "hi"': -1.7976931348623157e308 },
      { step: 3, wallTime: 1_700_000_002, 'eval/acc': 2 / 3, 'new\nline': Number.MAX_SAFE_INTEGER },
    ];
    const csv = runLogCsv(rows);
    const back = rowsOf(csv);
    expect(back).toEqual(rows);
    back.forEach((row, i) => {
      for (const [key, value] of Object.entries(rows[i]!)) expect(Object.is(row[key], value), key).toBe(true);
    });
  });

  it('has a stable header: the union of keys in the order first seen', () => {
    const csv = runLogCsv([
      { step: 1, wallTime: 1, loss: 1 },
      { step: 2, wallTime: 2, 'eval/acc': 0.5, loss: 2 },
      { step: 3, wallTime: 3, 'param/lr': 0.1 },
    ]);
    expect(csv).toBe('step,wallTime,loss,eval/acc,param/lr\n1,1,1,,\n2,2,2,0.5,\n3,3,,,0.1\n');
  });

  it('writes NaN and ±Infinity as null, never as a number', () => {
    expect(runLogCsv([{ step: 1, wallTime: 1, a: Number.NaN, b: Number.NEGATIVE_INFINITY }])).toBe('step,wallTime,a,b\n1,1,null,null\n');
  });
});
