/**
 * Byte-level surgery on binary checkpoints for the fault-injection suite: re-signing (a new
 * SHA-256, so a forged edit reaches the checks behind the checksum), header rewriting and the
 * expectation that a decode is refused with a one-line HyperscheduleError naming a field.
 */
import { expect } from 'vitest';
import { decodeCheckpoint } from '../../src/integrations/checkpoint-binary.js';
import { HyperscheduleError } from '../../src/errors.js';

export const PREFIX = 24;
export const DIGEST = 32;

/** Header length, payload length and the header JSON of a checkpoint file. */
export function layout(bytes: Uint8Array): { headerLength: number; payloadLength: number; header: Record<string, unknown> } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(12, true);
  const payloadLength = view.getUint32(16, true) + view.getUint32(20, true) * 2 ** 32;
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX, PREFIX + headerLength))) as Record<string, unknown>;
  return { headerLength, payloadLength, header };
}

/** A copy of `bytes` with its SHA-256 recomputed: what a forger (or a buggy writer) produces. */
export async function resign(bytes: Uint8Array): Promise<Uint8Array> {
  const out = new Uint8Array(bytes);
  const end = out.length - DIGEST;
  out.set(new Uint8Array(await crypto.subtle.digest('SHA-256', out.subarray(0, end))), end);
  return out;
}

/** A re-signed copy with the header replaced by `text` (raw bytes when given), padded to 4 bytes. */
export async function withHeader(bytes: Uint8Array, text: string | Uint8Array): Promise<Uint8Array> {
  const { headerLength, payloadLength } = layout(bytes);
  const raw = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const padded = Math.ceil(raw.length / 4) * 4;
  const out = new Uint8Array(PREFIX + padded + payloadLength + DIGEST);
  out.set(bytes.subarray(0, PREFIX));
  new DataView(out.buffer).setUint32(12, padded, true);
  out.set(raw, PREFIX);
  out.fill(0x20, PREFIX + raw.length, PREFIX + padded);
  out.set(bytes.subarray(PREFIX + headerLength, PREFIX + headerLength + payloadLength), PREFIX + padded);
  return resign(out);
}

/** A re-signed copy whose header JSON went through `edit` (which may mutate it in place). */
export async function editHeader(bytes: Uint8Array, edit: (header: Record<string, any>) => unknown): Promise<Uint8Array> {
  const { header } = layout(bytes);
  const edited = edit(header) ?? header;
  return withHeader(bytes, JSON.stringify(edited));
}

/**
 * Why decoding `bytes` was not a one-line refusal naming a field that matches (undefined when it
 * was): the cheap form of {@link expectRefused} for loops over thousands of variants.
 */
export async function refusalProblem(bytes: Uint8Array, field: RegExp): Promise<{ problem?: string; field?: string }> {
  try {
    await decodeCheckpoint(bytes);
    return { problem: 'decoded' };
  } catch (error) {
    if (!(error instanceof HyperscheduleError)) return { problem: `threw ${String(error)}` };
    if (!field.test(error.field) || error.message.includes('\n')) return { problem: error.message, field: error.field };
    return { field: error.field };
  }
}

/** Asserts that decoding `bytes` is refused with a one-line HyperscheduleError whose field matches. */
export async function expectRefused(bytes: Uint8Array, field: RegExp | string): Promise<HyperscheduleError> {
  const error = await decodeCheckpoint(bytes).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'decode should refuse').toBeInstanceOf(HyperscheduleError);
  const refusal = error as HyperscheduleError;
  if (typeof field === 'string') expect(refusal.field).toBe(field);
  else expect(refusal.field).toMatch(field);
  expect(refusal.message).not.toContain('\n');
  return refusal;
}
