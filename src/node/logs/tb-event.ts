/**
 * The few TensorBoard protobuf messages an event file of scalars needs, encoded by hand: an
 * `Event` (wall_time = 1, step = 2, file_version = 3, summary = 5), its `Summary` (repeated
 * value = 1) and `Summary.Value` (tag = 1, simple_value = 2), as in TensorBoard's
 * `tensorboard/compat/proto/event.proto` and `summary.proto`. No protobuf library: these are
 * four field kinds (double, varint, length-delimited, float) in three messages, and a library
 * would add a runtime dependency (and generated code) to every user of `hyperschedule/node`
 * for them. The tests decode what this writes with protobufjs against copies of the real .proto
 * files.
 */

/**
 * A scalar of an event: TensorBoard's `Summary.Value { tag, simple_value }`.
 *
 * @example
 * ```ts
 * import type { TbScalar } from './tb-event.js';
 * const lr: TbScalar = { tag: 'param/lr', value: 1e-3 };
 * ```
 */
export interface TbScalar {
  readonly tag: string;
  /** Stored as float32 (`simple_value` is a protobuf `float`). */
  readonly value: number;
}

/**
 * An event: its time (Unix seconds) and step, and either the file version (the first event) or
 * scalars.
 *
 * @example
 * ```ts
 * import type { TbEvent } from './tb-event.js';
 * const first: TbEvent = { wallTime: 1700000000, step: 0, fileVersion: 'brain.Event:2' };
 * ```
 */
export type TbEvent =
  | { readonly wallTime: number; readonly step: number; readonly fileVersion: string }
  | { readonly wallTime: number; readonly step: number; readonly scalars: readonly TbScalar[] };

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

const utf8 = new TextEncoder();

/** A growable byte buffer with the protobuf primitives. */
class ProtoWriter {
  private bytes = new Uint8Array(64);
  private length = 0;

  private reserve(n: number): DataView {
    if (this.length + n > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    return new DataView(this.bytes.buffer, this.bytes.byteOffset + this.length, n);
  }

  /** An unsigned varint (exact for integers up to 2^53). */
  varint(value: number): this {
    let v = value;
    while (v >= 0x80) {
      this.reserve(1).setUint8(0, (v % 0x80) | 0x80);
      this.length += 1;
      v = Math.floor(v / 0x80);
    }
    this.reserve(1).setUint8(0, v);
    this.length += 1;
    return this;
  }

  key(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  double(field: number, value: number): this {
    this.key(field, WIRE_FIXED64).reserve(8).setFloat64(0, value, true);
    this.length += 8;
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, WIRE_FIXED32).reserve(4).setFloat32(0, value, true);
    this.length += 4;
    return this;
  }

  uint64(field: number, value: number): this {
    return this.key(field, WIRE_VARINT).varint(value);
  }

  bytesField(field: number, data: Uint8Array): this {
    this.key(field, WIRE_BYTES).varint(data.length);
    this.reserve(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
    return this;
  }

  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

function encodeValue(scalar: TbScalar): Uint8Array {
  return new ProtoWriter().bytesField(1, utf8.encode(scalar.tag)).float(2, scalar.value).finish();
}

function encodeSummary(scalars: readonly TbScalar[]): Uint8Array {
  const w = new ProtoWriter();
  for (const s of scalars) w.bytesField(1, encodeValue(s));
  return w.finish();
}

/**
 * The protobuf bytes of a TensorBoard `Event` (the payload of one TFRecord of an event file), in
 * canonical proto3 form (fields in number order, defaults left out). `step` must be an integer
 * in [0, 2^53).
 *
 * @example
 * ```ts
 * import { encodeTbEvent } from './tb-event.js';
 * encodeTbEvent({ wallTime: 1700000000, step: 0, fileVersion: 'brain.Event:2' }).length; // 24
 * encodeTbEvent({ wallTime: 1700000000.5, step: 3, scalars: [{ tag: 'loss', value: 0.5 }] });
 * ```
 */
export function encodeTbEvent(event: TbEvent): Uint8Array {
  // proto3: a field at its default (0) is not written; oneof members (file_version, summary,
  // simple_value) always are.
  const w = new ProtoWriter();
  if (event.wallTime !== 0) w.double(1, event.wallTime);
  if (event.step !== 0) w.uint64(2, event.step);
  if ('fileVersion' in event) w.bytesField(3, utf8.encode(event.fileVersion));
  else w.bytesField(5, encodeSummary(event.scalars));
  return w.finish();
}
