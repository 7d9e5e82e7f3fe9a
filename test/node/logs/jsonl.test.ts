import { describe, expect, it } from 'vitest';
import { parseRunLog, runLogLine } from '../../../src/node/logs/jsonl.js';

describe('run.jsonl lines', () => {
  it('one JSON object per line, non-finite values as null', () => {
    expect(runLogLine({ step: 3, wallTime: 2.5, loss: Number.NaN, 'param/lr': 1e-3, g: Number.NEGATIVE_INFINITY }))
      .toBe('{"step":3,"wallTime":2.5,"loss":null,"param/lr":0.001,"g":null}\n');
  });

  it('reads back what it wrote, numbers exactly', () => {
    const rows = [{ step: 1, wallTime: 1_700_000_000.123, loss: 0.1 + 0.2 }, { step: 2, wallTime: 1_700_000_001, loss: null }];
    expect(parseRunLog(rows.map(runLogLine).join(''), 'run.jsonl')).toEqual({ rows, incompleteLastLine: false });
    expect(parseRunLog('', 'run.jsonl')).toEqual({ rows: [], incompleteLastLine: false });
  });

  it('leaves out (and reports) a last line without its newline; any other bad line throws naming the line', () => {
    expect(parseRunLog('{"step":1,"wallTime":1}\n{"step":2,"wallTime":2}', 'run.jsonl')).toEqual({ rows: [{ step: 1, wallTime: 1 }], incompleteLastLine: true });
    expect(() => parseRunLog('{"step":1,"wallTime":1}\nnot json\n', 'a/run.jsonl')).toThrow('a/run.jsonl:2: got "not json", expected a run log line');
    expect(() => parseRunLog('{"step":1.5,"wallTime":1}\n', 'run.jsonl')).toThrow('run.jsonl:1');
    expect(() => parseRunLog('{"step":1,"wallTime":1,"tag":"x"}\n', 'run.jsonl')).toThrow('run.jsonl:1');
    expect(() => parseRunLog('[1]\n', 'run.jsonl')).toThrow('run.jsonl:1');
  });
});
