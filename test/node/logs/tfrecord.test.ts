import { statSync, mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeTbEvent } from '../../../src/node/logs/tb-event.js';
import { TensorBoardWriter } from '../../../src/node/logs/tensorboard.js';
import { maskedCrc32c, tfRecord } from '../../../src/node/logs/tfrecord.js';
import { crc32cReference, maskReference, readEventFile } from './tb-reader.js';

/** Deterministic bytes (xorshift32). */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s & 0xff;
  }
  return out;
}

describe('TFRecord framing', () => {
  it('the reference CRC32C in the test is CRC-32C (check value of "123456789")', () => {
    expect(crc32cReference(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });

  it('masks CRC32C as TFRecord does, agreeing with the reference implementation', () => {
    for (const [n, seed] of [[0, 1], [1, 2], [8, 3], [13, 4], [1000, 5], [65537, 6]] as const) {
      const data = bytes(n, seed);
      expect(maskedCrc32c(data)).toBe(maskReference(crc32cReference(data)));
    }
  });

  it('frames a record: uint64 length, masked CRC of the length, data, masked CRC of the data', () => {
    const data = bytes(300, 7);
    const record = tfRecord(data);
    const view = new DataView(record.buffer);
    expect(record.length).toBe(8 + 4 + 300 + 4);
    expect(view.getBigUint64(0, true)).toBe(300n);
    expect(view.getUint32(8, true)).toBe(maskReference(crc32cReference(record.subarray(0, 8))));
    expect(record.subarray(12, 312)).toEqual(data);
    expect(view.getUint32(312, true)).toBe(maskReference(crc32cReference(data)));
  });
});

describe('TensorBoard event files', () => {
  it('start with a brain.Event:2 event, then one event per row; the reader checks every CRC and re-encodes every event', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-tb-'));
    const tb = new TensorBoardWriter({ dir, flushEvery: 10, now: () => 1_700_000_000_500, host: 'node-7' });
    expect(tb.path).toBe(join(dir, 'events.out.tfevents.1700000000.node-7'));
    tb.write({ step: 1, wallTime: 1_700_000_001.25, loss: 0.75, 'param/lr': 1e-3 });
    tb.write({ step: 2 ** 40, wallTime: 1_700_000_002.25, 'param/lr': 0 });
    tb.close();
    const { events, records } = readEventFile(tb.path);
    expect(records).toBe(3);
    expect(events).toEqual([
      { wallTime: 1_700_000_000.5, step: 0, fileVersion: 'brain.Event:2' },
      { wallTime: 1_700_000_001.25, step: 1, summary: { value: [{ tag: 'loss', simpleValue: 0.75 }, { tag: 'param/lr', simpleValue: Math.fround(1e-3) }] } },
      { wallTime: 1_700_000_002.25, step: 2 ** 40, summary: { value: [{ tag: 'param/lr', simpleValue: 0 }] } },
    ]);
  });

  it('write every flushEvery events and on flush; skip and count non-finite values; replace older event files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-tb-'));
    writeFileSync(join(dir, 'events.out.tfevents.1.old-host'), 'stale');
    writeFileSync(join(dir, 'notes.txt'), 'kept');
    const tb = new TensorBoardWriter({ dir, flushEvery: 3, now: () => 2_000_000_000_000, host: 'h' });
    expect(readdirSync(dir).sort()).toEqual(['events.out.tfevents.2000000000.h', 'notes.txt']);
    const size = () => statSync(tb.path).size;
    expect(size()).toBe(0); // the file-version event waits in the buffer
    tb.write({ step: 1, wallTime: 1, a: 1 });
    expect(size()).toBe(0);
    tb.write({ step: 2, wallTime: 2, a: null, b: Number.NaN });
    expect(size()).toBe(0); // a row with nothing finite writes no event
    tb.write({ step: 3, wallTime: 3, a: 3 });
    const afterThree = size();
    expect(afterThree).toBe(
      tfRecordLength(encodeTbEvent({ wallTime: 2_000_000_000, step: 0, fileVersion: 'brain.Event:2' }))
      + tfRecordLength(encodeTbEvent({ wallTime: 1, step: 1, scalars: [{ tag: 'a', value: 1 }] }))
      + tfRecordLength(encodeTbEvent({ wallTime: 3, step: 3, scalars: [{ tag: 'a', value: 3 }] })),
    );
    tb.write({ step: 4, wallTime: 4, a: Number.POSITIVE_INFINITY, c: 4 });
    expect(size()).toBe(afterThree);
    tb.flush();
    expect(size()).toBeGreaterThan(afterThree);
    tb.close();
    expect(tb.skipped).toBe(3);
    expect(readEventFile(tb.path).events.map((e) => e.step)).toEqual([0, 1, 3, 4]);
  });
});

function tfRecordLength(data: Uint8Array): number {
  return 16 + data.length;
}
