/**
 * Fault injection on the binary checkpoint format: real checkpoints (a tf.sequential model after
 * a few AdamW / Adam / tf.train.adam updates, with schedule, plateau and curvature controllers)
 * with every byte flipped, cut at every length, trailing bytes appended, and forged edits (header
 * rewritten and re-signed so they get past the checksum): each is refused by `decodeCheckpoint`
 * with a one-line HyperscheduleError naming what is wrong. Intact files round-trip exactly.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { HyperscheduleError } from '../../src/errors.js';
import type { Checkpoint } from '../../src/integrations/checkpoint.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/integrations/checkpoint-binary.js';
import type { SerializedTensor } from '../../src/integrations/tensor-json.js';
import { DIGEST, PREFIX, editHeader, expectRefused, layout, refusalProblem, resign, withHeader } from './bytes.js';
import { OPTIMIZERS, jsonCheckpoint, trainedRun, type OptimizerKind } from './runs.js';

const saved = new Map<OptimizerKind, { checkpoint: Checkpoint; bytes: Uint8Array }>();

beforeAll(async () => {
  await tf.setBackend('cpu');
  for (const kind of OPTIMIZERS) {
    const run = trainedRun(kind, 7, 5);
    const checkpoint = await jsonCheckpoint(run);
    run.dispose();
    saved.set(kind, { checkpoint, bytes: await encodeCheckpoint(checkpoint) });
  }
});

afterAll(() => {
  vi.unstubAllGlobals();
});

const get = (kind: OptimizerKind) => saved.get(kind)!;

/** The bits of every float32 value, so -0 and 0 differ. */
function bits(checkpoint: unknown): unknown {
  return JSON.parse(JSON.stringify(checkpoint, (key, v) => (key === 'values' && Array.isArray(v) ? Array.from(new Uint32Array(Float32Array.from(v).buffer)) : v)));
}

describe.each(OPTIMIZERS)('a real %s checkpoint', (kind) => {
  test('holds every tensor list (variables, optimizer slots, hook gradients) and round-trips exactly', async () => {
    const { checkpoint, bytes } = get(kind);
    expect(checkpoint.variables).toHaveLength(4);
    expect(checkpoint.optimizer!.length).toBeGreaterThanOrEqual(9);
    expect(checkpoint.hook?.previousGradients).toHaveLength(4);
    const decoded = await decodeCheckpoint(bytes);
    expect(decoded).toEqual(checkpoint);
    expect(bits(decoded)).toEqual(bits(checkpoint));
    // Canonical: the decoded checkpoint encodes to the very same bytes.
    expect(await encodeCheckpoint(decoded)).toEqual(bytes);
  });

  // Exhaustive on one optimizer's file (a few thousand bytes), sampled on the others.
  const positions = (length: number) =>
    kind === 'AdamW' ? Array.from({ length }, (_, i) => i) : [...Array.from({ length: PREFIX }, (_, i) => i), ...Array.from({ length: 200 }, (_, i) => PREFIX + Math.floor((i * (length - PREFIX)) / 200))];

  test('single-byte flips anywhere (magic, lengths, header JSON, values, checksum) are refused', async () => {
    const { bytes } = get(kind);
    const fields = new Set<string>();
    const problems: string[] = [];
    for (const i of positions(bytes.length)) {
      const bad = new Uint8Array(bytes);
      bad[i]! ^= 1 << (i % 8);
      const { problem, field } = await refusalProblem(bad, /^checkpoint\.(magic|format|byteLength|headerLength|sha256)$/);
      if (problem) problems.push(`byte ${i}: ${problem}`);
      if (field) fields.add(field);
    }
    expect(problems).toEqual([]);
    expect([...fields].sort()).toEqual(['checkpoint.byteLength', 'checkpoint.format', 'checkpoint.magic', 'checkpoint.sha256']);
  });

  test('property: random multi-byte corruption anywhere is refused', async () => {
    const { bytes } = get(kind);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }), async (flips) => {
        const bad = new Uint8Array(bytes);
        for (const [i, mask] of flips) bad[i]! ^= mask;
        if (bad.every((b, i) => b === bytes[i])) return; // two flips that cancel out
        await expectRefused(bad, /^checkpoint\./);
      }),
      { numRuns: 200 },
    );
  });

  test('a cut at any length (in the magic, the lengths, the header, the values, the checksum) is refused', async () => {
    const { bytes } = get(kind);
    const { headerLength } = layout(bytes);
    const boundaries = [0, 1, 7, 8, 23, PREFIX, PREFIX + headerLength, bytes.length - DIGEST, bytes.length - 1];
    const problems: string[] = [];
    for (const n of new Set([...boundaries, ...positions(bytes.length)])) {
      const { problem } = await refusalProblem(bytes.subarray(0, n), /^checkpoint\.byteLength$/);
      if (problem) problems.push(`cut at ${n}: ${problem}`);
    }
    expect(problems).toEqual([]);
  });

  test('trailing bytes are refused: one byte, random garbage, a second copy of the file', async () => {
    const { bytes } = get(kind);
    const tails = [new Uint8Array(1), Uint8Array.from({ length: 4096 }, () => 0xff), bytes];
    for (const tail of tails) {
      const error = await expectRefused(new Uint8Array([...bytes, ...tail]), 'checkpoint.byteLength');
      expect(error.message).toContain(`${tail.length} trailing bytes`);
    }
  });
});

describe('forged edits behind a valid checksum', () => {
  const bytes = () => get('AdamW').bytes;
  type Header = Record<string, any>;
  const cases: [string, (h: Header) => unknown, RegExp | string][] = [
    ['an offset moved forward (a gap)', (h) => { h.variables[1].offset += 4; }, 'checkpoint.variables[1].offset'],
    ['an offset moved back (overlapping the tensor before)', (h) => { h.variables[1].offset -= 4; }, 'checkpoint.variables[1].offset'],
    ['an offset past the payload', (h) => { h.optimizer[2].offset = 1e6; }, 'checkpoint.optimizer[2].offset'],
    ['a negative offset', (h) => { h.variables[0].offset = -4; }, 'checkpoint.variables[0].offset'],
    ['a fractional offset', (h) => { h.variables[0].offset = 0.5; }, 'checkpoint.variables[0].offset'],
    ['an offset as a string', (h) => { h.variables[0].offset = '0'; }, 'checkpoint.variables[0].offset'],
    ['an offset missing', (h) => { delete h.variables[2].offset; }, 'checkpoint.variables[2].offset'],
    ['two tensors of one size swapped in the payload', (h) => {
      const [a, b] = [h.variables[1], h.optimizer[2]];
      [a.offset, b.offset] = [b.offset, a.offset];
    }, /^checkpoint\.(variables\[1\]|optimizer\[2\])\.offset$/],
    ['a length that is not 4 bytes per value', (h) => { h.variables[1].length += 4; }, 'checkpoint.variables[1].length'],
    // (A transposed shape, [5, 4] for [4, 5], fits the bytes: restoreCheckpoint refuses it against the variable.)
    ['a shape that does not match the length', (h) => { h.variables[0].shape = [5, 5]; }, 'checkpoint.variables[0].length'],
    ['a negative dimension', (h) => { h.variables[0].shape = [-4, -5]; }, 'checkpoint.variables[0].shape'],
    ['an unknown dtype', (h) => { h.variables[0].dtype = 'float64'; }, 'checkpoint.variables[0].dtype'],
    ['a name that is not a string', (h) => { h.optimizer[0].name = 42; }, 'checkpoint.optimizer[0].name'],
    ['values inlined next to the offsets', (h) => { h.variables[0].values = [1]; }, 'checkpoint.variables[0].values'],
    ['an entry dropped (its bytes unaccounted for)', (h) => { h.hook.previousGradients.pop(); }, 'checkpoint.payloadLength'],
    ['an entry duplicated (bytes read twice)', (h) => { h.variables.push({ ...h.variables[0] }); }, /^checkpoint\.variables\[4\]\.offset$|^checkpoint\.optimizer\[0\]\.offset$/],
    ['a tensor list that is not an array', (h) => { h.variables = { 0: h.variables[0] }; }, 'checkpoint.variables'],
    ['checkpoint version 2', (h) => { h.version = 2; }, 'checkpoint.version'],
    ['no session', (h) => { delete h.session; }, 'checkpoint.session'],
    ['a header that is an array', () => [], 'checkpoint'],
  ];

  test.each(cases)('%s is refused', async (_name, edit, field) => {
    await expectRefused(await editHeader(bytes(), edit), field);
  });

  test('a number too large for a double (1e999 parses as Infinity) is refused', async () => {
    const text = JSON.stringify(layout(bytes()).header).replace('"step":5', '"step":1e999');
    expect(text).toContain('1e999');
    await expectRefused(await withHeader(bytes(), text), 'checkpoint.session.clock.step');
  });

  test('a header nested 100,000 deep is refused by name, not a stack overflow', async () => {
    const deep = `{"version":1,"session":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    const error = await expectRefused(await withHeader(bytes(), deep), /^checkpoint\.session\.x\[0\]\[0\]/);
    expect(error.message).toContain('expected JSON nested at most 200 deep');
  });

  test('a header that is not JSON, or not UTF-8, is refused', async () => {
    const text = new TextDecoder().decode(bytes().subarray(PREFIX, PREFIX + layout(bytes()).headerLength)).trimEnd();
    await expectRefused(await withHeader(bytes(), text.slice(0, -1)), 'checkpoint.header');
    await expectRefused(await withHeader(bytes(), `${text},`), 'checkpoint.header');
    await expectRefused(await withHeader(bytes(), new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), 'checkpoint.header');
  });

  test('header and payload lengths shifted together (the header swallows tensor bytes) are refused', async () => {
    const forged = new Uint8Array(bytes());
    const view = new DataView(forged.buffer);
    view.setUint32(12, view.getUint32(12, true) + 4, true);
    view.setUint32(16, view.getUint32(16, true) - 4, true);
    await expectRefused(await resign(forged), 'checkpoint.header');
  });

  test('another format version or a header length that is not a multiple of 4 is refused', async () => {
    const other = new Uint8Array(bytes());
    new DataView(other.buffer).setUint32(8, 2, true);
    await expectRefused(await resign(other), 'checkpoint.format');
    const odd = new Uint8Array(bytes());
    const view = new DataView(odd.buffer);
    view.setUint32(12, view.getUint32(12, true) + 1, true);
    view.setUint32(16, view.getUint32(16, true) - 1, true);
    await expectRefused(await resign(odd), 'checkpoint.headerLength');
  });

  test('a NaN or an Infinity written into the values is refused, naming the value', async () => {
    const { headerLength } = layout(bytes());
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const forged = new Uint8Array(bytes());
      // variables[1] starts at offset 80 (variables[0] is a 4x5 kernel); its third value:
      new DataView(forged.buffer).setFloat32(PREFIX + headerLength + 80 + 8, bad, true);
      const error = await expectRefused(await resign(forged), 'checkpoint.variables[1].values[2]');
      expect(error.value).toBe(bad);
    }
  });

  test('an int32 or bool tensor with values out of its type is refused', async () => {
    const checkpoint = { version: 1, session: {}, extras: { tensors: [{ name: 'mask', shape: [2], dtype: 'bool', values: [0, 1] }] } } as unknown as Checkpoint;
    const forged = new Uint8Array(await encodeCheckpoint(checkpoint));
    new DataView(forged.buffer).setInt32(forged.length - DIGEST - 4, 5, true);
    await expectRefused(await resign(forged), 'checkpoint.extras.tensors[0].values[1]');
  });

  test('foreign files are refused by their first bytes', async () => {
    for (const foreign of ['PK\u0003\u0004 a zip', '{"version":1}', 'HSCK1\n (the example format of 0.2.0)']) {
      await expectRefused(new TextEncoder().encode(foreign.padEnd(64)), 'checkpoint.magic');
    }
    await expect(decodeCheckpoint('not bytes' as unknown as Uint8Array)).rejects.toThrow('a Uint8Array');
  });
});

describe('encoding refuses what would not come back exactly (nothing is encoded)', () => {
  const tensor = (values: readonly unknown[], dtype = 'float32'): SerializedTensor => ({ name: 't', shape: [values.length], dtype, values } as SerializedTensor);
  const ck = (extra: Record<string, unknown>) => ({ version: 1, session: {}, ...extra }) as unknown as Checkpoint;
  const cases: [string, Checkpoint, string][] = [
    ['NaN in a variable', ck({ variables: [tensor([0, Number.NaN])] }), 'checkpoint.variables[0].values[1]'],
    ['Infinity in an optimizer slot', ck({ optimizer: [tensor([Number.POSITIVE_INFINITY])] }), 'checkpoint.optimizer[0].values[0]'],
    ['a float beyond float32 (1e39)', ck({ variables: [tensor([1e39])] }), 'checkpoint.variables[0].values[0]'],
    ['a fractional int32', ck({ optimizer: [tensor([1.5], 'int32')] }), 'checkpoint.optimizer[0].values[0]'],
    ['an int32 beyond 2^31', ck({ optimizer: [tensor([2 ** 31], 'int32')] }), 'checkpoint.optimizer[0].values[0]'],
    ['a bool of 2', ck({ extras: { tensors: [tensor([2], 'bool')] } }), 'checkpoint.extras.tensors[0].values[0]'],
    ['a string value', ck({ variables: [tensor(['1'])] }), 'checkpoint.variables[0].values[0]'],
    ['values that do not fill the shape', ck({ variables: [{ name: 't', shape: [2, 2], dtype: 'float32', values: [1, 2, 3] }] }), 'checkpoint.variables[0].values'],
    ['an unknown tensor field', ck({ variables: [{ ...tensor([1]), scale: 2 }] }), 'checkpoint.variables[0].scale'],
    ['NaN in the session JSON', ck({ session: { clock: { step: Number.NaN } } }), 'checkpoint.session.clock.step'],
    ['Infinity in extras data', ck({ extras: { data: { best: [1, Number.POSITIVE_INFINITY] } } }), 'checkpoint.extras.data.best[1]'],
    ['a function in the JSON part', ck({ session: { f: () => 1 } }), 'checkpoint.session.f'],
  ];
  test('a cycle in extras data is refused, not a stack overflow', async () => {
    const data: Record<string, unknown> = {};
    data.self = data;
    const error = await encodeCheckpoint(ck({ extras: { data } })).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(HyperscheduleError);
    expect((error as Error).message).toMatch(/^checkpoint\.extras\.data\.self\.self.*: got "201 levels", expected JSON nested at most 200 deep/);
  });
  test.each(cases)('%s', async (_name, checkpoint, field) => {
    const error = await encodeCheckpoint(checkpoint).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(HyperscheduleError);
    expect((error as HyperscheduleError).field).toBe(field);
  });
});

describe('round trip', () => {
  const float32 = fc.float({ noNaN: true, noDefaultInfinity: true });
  const tensorOf = (dtype: SerializedTensor['dtype']) =>
    fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }).chain((shape) => {
      const count = shape.reduce((a, b) => a * b, 1);
      const value = dtype === 'float32' ? float32 : dtype === 'int32' ? fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) : fc.constantFrom(0, 1);
      return fc.record({ name: fc.string(), shape: fc.constant(shape), dtype: fc.constant(dtype), values: fc.array(value, { minLength: count, maxLength: count }) });
    });
  const anyTensor = fc.oneof(tensorOf('float32'), tensorOf('int32'), tensorOf('bool'));
  const json = fc.json().map((text) => JSON.parse(text) as unknown);

  test('property: any checkpoint decodes to an equal one, float32 bit for bit (-0, subnormals, extremes)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            session: fc.dictionary(fc.string(), json),
            variables: fc.array(anyTensor, { maxLength: 4 }),
            optimizer: fc.array(anyTensor, { maxLength: 4 }),
            hook: fc.record({ previousGradients: fc.option(fc.array(tensorOf('float32'), { maxLength: 3 })), pendingParamDelta: fc.constant(null) }),
            extras: fc.record({ data: json, tensors: fc.array(anyTensor, { maxLength: 2 }) }, { requiredKeys: [] }),
          },
          { requiredKeys: ['session'] },
        ),
        async (parts) => {
          const checkpoint = { version: 1, ...parts } as unknown as Checkpoint;
          const decoded = await decodeCheckpoint(await encodeCheckpoint(checkpoint));
          expect(bits(decoded)).toEqual(bits(checkpoint));
          expect(decoded).toEqual(checkpoint);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('decodes from a Node Buffer that is an unaligned view into a larger one (as readFile may give)', async () => {
    const { bytes, checkpoint } = get('AdamW');
    const view = Buffer.concat([Buffer.alloc(3), Buffer.from(bytes), Buffer.alloc(5)]).subarray(3, 3 + bytes.length);
    expect(view.byteOffset % 4).not.toBe(0);
    expect(bits(await decodeCheckpoint(view))).toEqual(bits(checkpoint));
  });

  test('without WebCrypto encoding and decoding say what is missing', async () => {
    const bytes = get('Adam').bytes;
    vi.stubGlobal('crypto', undefined);
    try {
      await expect(decodeCheckpoint(bytes)).rejects.toThrow('checkpoint.sha256: got "no globalThis.crypto.subtle", expected WebCrypto');
      await expect(encodeCheckpoint(get('Adam').checkpoint)).rejects.toThrow('WebCrypto');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
