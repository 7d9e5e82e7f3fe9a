import { crc32c } from '@aws-crypto/crc32c';

/** TFRecord's CRC mask constant (tensorflow/core/lib/hash/crc32c.h, `kMaskDelta`). */
const MASK_DELTA = 0xa282ead8;

/**
 * The CRC32C of `data` masked as TFRecord stores it: `((crc >>> 15) | (crc << 17)) + 0xa282ead8`
 * (mod 2^32). TensorFlow masks its CRCs so that a CRC of data that itself holds CRCs stays
 * well-distributed.
 *
 * @example
 * ```ts
 * import { maskedCrc32c } from './tfrecord.js';
 * maskedCrc32c(new Uint8Array(8)).toString(16); // '7980329': the header CRC of an empty record
 * ```
 */
export function maskedCrc32c(data: Uint8Array): number {
  const crc = crc32c(data) >>> 0;
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/**
 * One TFRecord: `uint64 length`, `uint32 masked CRC32C of the length bytes`, the data,
 * `uint32 masked CRC32C of the data`, all little-endian — the framing of TensorBoard event files.
 *
 * @example
 * ```ts
 * import { tfRecord } from './tfrecord.js';
 * tfRecord(new Uint8Array([1, 2, 3])).length; // 19: 8 + 4 + 3 + 4
 * ```
 */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + data.length);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}
