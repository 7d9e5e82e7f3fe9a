/**
 * An event-file reader independent of the writer: a table-driven CRC32C written here (not
 * @aws-crypto/crc32c, which the writer uses), TFRecord framing checked byte by byte, and the
 * events decoded by protobufjs against copies of TensorBoard's event.proto / summary.proto
 * (test/fixtures/tensorboard).
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const PROTO_DIR = fileURLToPath(new URL('../../fixtures/tensorboard/', import.meta.url));

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), one table lookup per byte. */
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32cReference(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8)) >>> 0;
  return (crc ^ 0xffffffff) >>> 0;
}

/** TFRecord's mask, written out from the spec: rotate right by 15, add 0xa282ead8 (mod 2^32). */
export function maskReference(crc: number): number {
  const rotated = ((crc >>> 15) | (crc << 17)) >>> 0;
  return (rotated + 0xa282ead8) % 2 ** 32;
}

export interface DecodedScalar {
  readonly tag: string;
  readonly simpleValue: number;
}

export interface DecodedEvent {
  readonly wallTime: number;
  readonly step: number;
  readonly fileVersion?: string;
  readonly summary?: { readonly value: readonly DecodedScalar[] };
}

export interface EventFile {
  readonly events: DecodedEvent[];
  /** Records whose length CRC and data CRC were checked. */
  readonly records: number;
}

function eventType(): protobuf.Type {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(PROTO_DIR, basename(target));
  root.loadSync('event.proto');
  return root.lookupType('tensorboard.Event');
}

/**
 * Reads every record of an event file, checking both masked CRCs of each with the reference
 * CRC32C, decodes each event and checks that re-encoding it gives the same bytes (so the
 * writer wrote no field the .proto subset does not know, in canonical order).
 */
export function readEventFile(path: string): EventFile {
  const Event = eventType();
  const bytes = new Uint8Array(readFileSync(path));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const events: DecodedEvent[] = [];
  let offset = 0;
  let records = 0;
  while (offset < bytes.length) {
    if (offset + 12 > bytes.length) throw new Error(`${path}: truncated header at ${offset}`);
    const length = Number(view.getBigUint64(offset, true));
    const lengthCrc = view.getUint32(offset + 8, true);
    const expectedLengthCrc = maskReference(crc32cReference(bytes.subarray(offset, offset + 8)));
    if (lengthCrc !== expectedLengthCrc) throw new Error(`${path}: length CRC of record ${records} is ${lengthCrc}, expected ${expectedLengthCrc}`);
    const start = offset + 12;
    const end = start + length;
    if (end + 4 > bytes.length) throw new Error(`${path}: truncated record ${records}`);
    const data = bytes.subarray(start, end);
    const dataCrc = view.getUint32(end, true);
    const expectedDataCrc = maskReference(crc32cReference(data));
    if (dataCrc !== expectedDataCrc) throw new Error(`${path}: data CRC of record ${records} is ${dataCrc}, expected ${expectedDataCrc}`);
    const message = Event.decode(data);
    const object = Event.toObject(message, { longs: Number, defaults: true, oneofs: false });
    const again = Event.encode(Event.fromObject(object)).finish();
    if (Buffer.compare(Buffer.from(again), Buffer.from(data)) !== 0) throw new Error(`${path}: record ${records} does not re-encode to the same bytes`);
    events.push(object as DecodedEvent);
    records += 1;
    offset = end + 4;
  }
  return { events, records };
}
