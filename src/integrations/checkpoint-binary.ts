import { checkKnownKeys, isRecord } from '../check.js';
import { HyperscheduleError } from '../errors.js';
import type { Checkpoint } from './checkpoint.js';
import { checkSerializedTensor, checkShapeAndDtype, checkTensorValues, type SerializedTensor } from './tensor-json.js';

/**
 * The binary checkpoint format (version 1), for checkpoints too large for JSON text. No Node
 * built-ins (the checksum is WebCrypto's), so it runs in a browser; exported from
 * `hyperschedule/node` beside the file functions. All numbers little-endian:
 *
 * | bytes | content |
 * | --- | --- |
 * | 0–7 | magic `89 48 53 43 4B 0D 0A 1A` (`\x89HSCK\r\n\x1a`, PNG's trick: a text-mode copy breaks it) |
 * | 8–11 | format version, uint32 (1) |
 * | 12–15 | header length H, uint32 (a multiple of 4, so the values start 4-aligned) |
 * | 16–23 | payload length P, uint64 |
 * | 24 … 24+H | header: the checkpoint as UTF-8 JSON, each tensor `{ name, shape, dtype, offset, length }` instead of its values, padded with spaces |
 * | … +P | payload: every tensor's values back to back in header order, 4 bytes each (float32, int32; bool as int32 0/1) |
 * | last 32 | SHA-256 of every byte before it |
 *
 * The tensors are those of `variables`, `optimizer`, `hook.previousGradients` and
 * `extras.tensors`, in that order; everything else stays JSON.
 */
const MAGIC = [0x89, 0x48, 0x53, 0x43, 0x4b, 0x0d, 0x0a, 0x1a] as const;
const FORMAT = 1;
const PREFIX = 24;
const DIGEST = 32;
const VALUE_BYTES = 4;
const TENSOR_LISTS = [['variables'], ['optimizer'], ['hook', 'previousGradients'], ['extras', 'tensors']] as const;
const ENTRY_KEYS = ['name', 'shape', 'dtype', 'offset', 'length'];
/** Deeper JSON is refused (a cycle in `extras.data`, a forged header): no stack overflow. */
const MAX_DEPTH = 200;

type Dtype = SerializedTensor['dtype'];
type ListPath = (typeof TENSOR_LISTS)[number];

/** One tensor as the header describes it. */
interface TensorEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: Dtype;
  readonly offset: number;
  readonly length: number;
}

function fail(field: string, value: unknown, allowed: string): never {
  throw new HyperscheduleError(field, value, allowed);
}

function fieldOf(path: ListPath): string {
  return `checkpoint.${path.join('.')}`;
}

function getAt(root: Readonly<Record<string, unknown>>, path: ListPath): unknown {
  let node: unknown = root;
  for (const key of path) node = isRecord(node) ? node[key] : undefined;
  return node;
}

/** A copy of `root` with the value at `path` replaced (the parents exist: `getAt` found a list there). */
function setAt(root: Readonly<Record<string, unknown>>, path: readonly string[], value: unknown): Record<string, unknown> {
  const [key, ...rest] = path as [string, ...string[]];
  return { ...root, [key]: rest.length === 0 ? value : setAt(root[key] as Record<string, unknown>, rest, value) };
}


/** Platforms are little-endian in practice; the byte swap keeps the format right on the others. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Reverses each 4-byte group in place: native order <-> little-endian on a big-endian platform. */
function toLittleEndian(raw: Uint8Array): Uint8Array {
  if (LITTLE_ENDIAN) return raw;
  for (let i = 0; i < raw.length; i += VALUE_BYTES) raw.subarray(i, i + VALUE_BYTES).reverse();
  return raw;
}

/** The values as the payload stores them (already checked by `checkSerializedTensor`). */
function typedValues(tensor: SerializedTensor): Float32Array | Int32Array {
  return tensor.dtype === 'float32' ? Float32Array.from(tensor.values) : Int32Array.from(tensor.values);
}

/** Checks that the JSON part holds only what JSON keeps exactly: finite numbers, strings, booleans, null, arrays, plain objects. */
function checkJson(value: unknown, field: string, depth = 0): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (depth > MAX_DEPTH) fail(field.slice(0, 120), `${depth} levels`, `JSON nested at most ${MAX_DEPTH} deep (a cycle?)`);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(field, value, 'a finite number (JSON has no NaN or Infinity)');
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkJson(v, `${field}[${i}]`, depth + 1));
    return;
  }
  const proto: unknown = isRecord(value) ? Object.getPrototypeOf(value) : undefined;
  if (isRecord(value) && (proto === Object.prototype || proto === null)) {
    for (const [key, v] of Object.entries(value)) if (v !== undefined) checkJson(v, `${field}.${key}`, depth + 1);
    return;
  }
  fail(field, typeof value, 'JSON (a number, string, boolean, null, array or plain object)');
}

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
  if (!subtle) fail('checkpoint.sha256', 'no globalThis.crypto.subtle', 'WebCrypto (Node >= 20; in a browser, a secure context: https or localhost)');
  // WebCrypto reads ArrayBuffer-backed views only (a checkpoint is never in shared memory).
  return new Uint8Array(await subtle.digest('SHA-256', new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength)));
}

function hex(bytes: ArrayLike<number>): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Encodes a checkpoint into the binary format (magic, version, a JSON header naming each tensor's
 * shape, dtype and byte range, the raw little-endian values, a SHA-256 of it all). Refuses
 * (nothing encoded) a tensor whose values do not fill its shape or are not finite, and
 * NaN/Infinity anywhere in the JSON part. {@link decodeCheckpoint} gives back an equal
 * checkpoint, float32 values bit for bit. Needs WebCrypto (`globalThis.crypto.subtle`).
 *
 * @example
 * ```ts
 * import { createSession, saveCheckpoint } from 'hyperschedule';
 * import { decodeCheckpoint, encodeCheckpoint } from 'hyperschedule/node';
 * const bytes = await encodeCheckpoint(await saveCheckpoint({ session: createSession() }));
 * (await decodeCheckpoint(bytes)).version; // 1
 * ```
 */
export async function encodeCheckpoint(checkpoint: Checkpoint): Promise<Uint8Array> {
  if (!isRecord(checkpoint)) fail('checkpoint', checkpoint, 'a checkpoint object (from saveCheckpoint)');
  let header: Record<string, unknown> = { ...checkpoint };
  const tensors: SerializedTensor[] = [];
  let offset = 0;
  for (const path of TENSOR_LISTS) {
    const list = getAt(checkpoint, path);
    if (list === undefined || list === null) continue;
    const field = fieldOf(path);
    if (!Array.isArray(list)) fail(field, list, 'an array of tensors');
    const entries = list.map((raw: unknown, i): TensorEntry => {
      const tensor = checkSerializedTensor(raw, `${field}[${i}]`);
      const length = tensor.values.length * VALUE_BYTES;
      tensors.push(tensor);
      const entry = { name: tensor.name, shape: [...tensor.shape], dtype: tensor.dtype, offset, length };
      offset += length;
      return entry;
    });
    header = setAt(header, path, entries);
  }
  checkJson(header, 'checkpoint');
  const text = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(text.length / VALUE_BYTES) * VALUE_BYTES;
  const total = PREFIX + headerLength + offset + DIGEST;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint32(8, FORMAT, true);
  view.setUint32(12, headerLength, true);
  view.setUint32(16, offset % 2 ** 32, true);
  view.setUint32(20, Math.floor(offset / 2 ** 32), true);
  bytes.set(text, PREFIX);
  bytes.fill(0x20, PREFIX + text.length, PREFIX + headerLength);
  let at = PREFIX + headerLength;
  for (const tensor of tensors) {
    const typed = typedValues(tensor);
    bytes.set(toLittleEndian(new Uint8Array(typed.buffer)), at);
    at += typed.byteLength;
  }
  bytes.set(await sha256(bytes.subarray(0, total - DIGEST)), total - DIGEST);
  return bytes;
}

/** A checked file: its header JSON and each tensor list's entries with their values. */
interface OpenedCheckpoint {
  readonly header: Record<string, unknown>;
  readonly lists: ReadonlyMap<ListPath, readonly { readonly entry: TensorEntry; readonly values: Float32Array | Int32Array }[]>;
}

function truncatedOrTrailing(bytes: Uint8Array, headerLength: number, payloadLength: number): void {
  const expected = PREFIX + headerLength + payloadLength + DIGEST;
  if (bytes.length === expected) return;
  const parts = `${expected} (${headerLength} bytes of header, ${payloadLength} of tensors)`;
  if (bytes.length < expected) fail('checkpoint.byteLength', bytes.length, `${parts}: the file is truncated`);
  fail('checkpoint.byteLength', bytes.length, `${parts}: ${bytes.length - expected} trailing bytes`);
}

/** Magic, format version and lengths; returns the header and payload lengths. */
function checkPrefix(bytes: Uint8Array): { headerLength: number; payloadLength: number } {
  const head = Array.from(bytes.subarray(0, MAGIC.length));
  if (!head.every((b, i) => b === MAGIC[i])) fail('checkpoint.magic', hex(head), `${hex(MAGIC)} (a hyperschedule checkpoint file)`);
  if (bytes.length < PREFIX + DIGEST) fail('checkpoint.byteLength', bytes.length, `at least ${PREFIX + DIGEST}: the file is truncated`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = view.getUint32(8, true);
  if (format !== FORMAT) fail('checkpoint.format', format, `${FORMAT} (the format this version of hyperschedule reads)`);
  const headerLength = view.getUint32(12, true);
  const payloadLength = view.getUint32(16, true) + view.getUint32(20, true) * 2 ** 32;
  truncatedOrTrailing(bytes, headerLength, payloadLength);
  if (headerLength % VALUE_BYTES !== 0) fail('checkpoint.headerLength', headerLength, `a multiple of ${VALUE_BYTES}`);
  return { headerLength, payloadLength };
}

async function checkDigest(bytes: Uint8Array): Promise<void> {
  const end = bytes.length - DIGEST;
  const stored = bytes.subarray(end);
  const actual = await sha256(bytes.subarray(0, end));
  if (!actual.every((b, i) => b === stored[i])) {
    fail('checkpoint.sha256', `${hex(stored).slice(0, 16)}…`, `${hex(actual).slice(0, 16)}…, the SHA-256 of the file's other bytes (the file is corrupted)`);
  }
}

function parseHeader(bytes: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    fail('checkpoint.header', 'bytes that are not UTF-8', 'UTF-8 JSON');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    fail('checkpoint.header', text.slice(0, 40), `JSON (${(error as Error).message})`);
  }
  checkJson(header, 'checkpoint');
  if (!isRecord(header)) fail('checkpoint', header, 'an object');
  if (header.version !== 1) fail('checkpoint.version', header.version, '1');
  if (!isRecord(header.session)) fail('checkpoint.session', header.session, 'an object');
  return header;
}

/** One header entry, whose bytes must start where the previous tensor's end. */
function readEntry(entry: unknown, field: string, payloadLength: number, expectedOffset: number): TensorEntry {
  if (!isRecord(entry)) fail(field, entry, 'a tensor entry { name, shape, dtype, offset, length }');
  checkKnownKeys(entry, field, ENTRY_KEYS);
  const { name, offset, length } = entry;
  if (typeof name !== 'string') fail(`${field}.name`, name, 'a string');
  const count = checkShapeAndDtype(entry.shape, entry.dtype, field);
  if (!Number.isSafeInteger(count * VALUE_BYTES)) fail(`${field}.shape`, entry.shape, 'a shape of fewer than 2^51 values');
  const dtype = entry.dtype as Dtype;
  const bytes = count * VALUE_BYTES;
  if (length !== bytes) fail(`${field}.length`, length, `${bytes} (${count} values of ${VALUE_BYTES} bytes)`);
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0 || offset + bytes > payloadLength) {
    fail(`${field}.offset`, offset, `an offset in [0, ${payloadLength - bytes}] (the tensors take ${payloadLength} bytes)`);
  }
  if (offset !== expectedOffset) {
    const how = offset < expectedOffset ? 'overlaps the tensor before it' : `leaves ${offset - expectedOffset} bytes unused`;
    fail(`${field}.offset`, offset, `${expectedOffset}: tensors are stored back to back in header order, this one ${how}`);
  }
  return { name, shape: entry.shape as number[], dtype, offset, length: bytes };
}

/** A tensor's values, copied out of the payload and checked. */
function readValues(payload: Uint8Array, entry: TensorEntry, field: string): Float32Array | Int32Array {
  // A copy (aligned for the typed view); not `slice`, which a Node Buffer makes a view.
  const raw = toLittleEndian(new Uint8Array(payload.subarray(entry.offset, entry.offset + entry.length)));
  const typed = entry.dtype === 'float32' ? new Float32Array(raw.buffer) : new Int32Array(raw.buffer);
  checkTensorValues(typed, entry.dtype, field);
  return typed;
}

/** A plain array of the values (a loop: twice as fast as `Array.from` on a typed array in V8). */
function toArray(typed: Float32Array | Int32Array): number[] {
  const out = new Array<number>(typed.length);
  for (let i = 0; i < typed.length; i++) out[i] = typed[i] as number;
  return out;
}

/** Every check of {@link decodeCheckpoint}; the values stay typed arrays. */
async function openCheckpoint(bytes: Uint8Array): Promise<OpenedCheckpoint> {
  if (!(bytes instanceof Uint8Array)) fail('checkpoint', bytes, 'a Uint8Array of a checkpoint file');
  const { headerLength, payloadLength } = checkPrefix(bytes);
  await checkDigest(bytes);
  const header = parseHeader(bytes.subarray(PREFIX, PREFIX + headerLength));
  const payload = bytes.subarray(PREFIX + headerLength, PREFIX + headerLength + payloadLength);
  const lists = new Map<ListPath, { entry: TensorEntry; values: Float32Array | Int32Array }[]>();
  let offset = 0;
  for (const path of TENSOR_LISTS) {
    const list = getAt(header, path);
    if (list === undefined || list === null) continue;
    const field = fieldOf(path);
    if (!Array.isArray(list)) fail(field, list, 'an array of tensor entries');
    lists.set(path, list.map((raw, i) => {
      const entry = readEntry(raw, `${field}[${i}]`, payloadLength, offset);
      offset += entry.length;
      return { entry, values: readValues(payload, entry, `${field}[${i}]`) };
    }));
  }
  if (offset !== payloadLength) fail('checkpoint.payloadLength', payloadLength, `${offset}, the bytes the header's tensors take`);
  return { header, lists };
}

/**
 * Decodes a checkpoint written by {@link encodeCheckpoint}, refusing with a one-line
 * {@link HyperscheduleError} a foreign file (magic), another format version, a truncated file or
 * one with trailing bytes, a checksum mismatch (any changed byte), a header that is not UTF-8 JSON
 * or holds a non-finite number, tensor byte ranges that are out of range, overlap, leave gaps or
 * do not match their shape, and non-finite values. What it returns still goes through
 * `restoreCheckpoint`'s own checks.
 *
 * @example
 * ```ts
 * import { decodeCheckpoint } from 'hyperschedule/node';
 * await decodeCheckpoint(new Uint8Array(8)); // throws: checkpoint.magic: got "0000000000000000", expected 89485343…
 * ```
 */
export async function decodeCheckpoint(bytes: Uint8Array): Promise<Checkpoint> {
  const { header, lists } = await openCheckpoint(bytes);
  let checkpoint = header;
  for (const [path, tensors] of lists) {
    const list = tensors.map(({ entry: { name, shape, dtype }, values }): SerializedTensor => ({ name, shape, dtype, values: toArray(values) }));
    checkpoint = setAt(checkpoint, path, list);
  }
  return checkpoint as unknown as Checkpoint;
}

/**
 * Checks bytes as {@link decodeCheckpoint} does (checksum, layout, header, finite values) without
 * building the checkpoint: how a file writer decides that a file is worth keeping.
 *
 * @example
 * ```ts
 * import { verifyCheckpoint } from './checkpoint-binary.js';
 * await verifyCheckpoint(new Uint8Array(0)); // throws: checkpoint.byteLength: got 0, expected at least 56 …
 * ```
 */
export async function verifyCheckpoint(bytes: Uint8Array): Promise<void> {
  await openCheckpoint(bytes);
}
