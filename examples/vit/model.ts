/**
 * A Vision Transformer in plain tfjs ops with its own variables (no tf.layers), shaped for speed
 * on the wasm backend: the residual stream stays flat `[B*T, D]` so every projection is a 2-D
 * matmul on XNNPACK's fast path, and matmul/LayerNorm/GELU gradients are hand-written
 * (`layers/`). Only ops with gradients on every backend are used (no conv2d/gather/einsum).
 */
import * as tf from '@tensorflow/tfjs';
import { HyperscheduleError } from 'hyperschedule';
import { createRng, type Rng } from '../shared/rng.js';
import { selfAttention } from './layers/attention.js';
import { gelu } from './layers/gelu.js';
import { layerNorm } from './layers/layer-norm.js';
import { linear } from './layers/matmul.js';
import { patchify } from './layers/patchify.js';
import { add, firstToken, repeatRows, reshape } from './layers/shape.js';

/** Full description of a ViT. */
export interface ViTConfig {
  /** Input height and width in pixels (square images). */
  imageSize: number;
  /** Input channels (3 for RGB). */
  channels: number;
  /** Patch side in pixels; must divide `imageSize`. */
  patchSize: number;
  /** Token width D. */
  hidden: number;
  /** Hidden width of each block's MLP. */
  mlpHidden: number;
  /** Attention heads; must divide `hidden`. */
  heads: number;
  /** Transformer blocks. */
  layers: number;
  /** Output classes. */
  numClasses: number;
  /**
   * Divisor of the attention scores: `'width'` = sqrt(hidden) (the reference study's quirk),
   * `'head'` = sqrt(hidden / heads) (the usual transformer).
   */
  attentionScale: 'width' | 'head';
  /** `'both'` = GELU after both MLP linears (reference quirk); `'first'` = the usual MLP. */
  mlpGelu: 'both' | 'first';
  /** Classifier head: `'norm-relu-linear'` (reference) or `'norm-linear'`. */
  head: 'norm-relu-linear' | 'norm-linear';
}

/** Names of the built-in presets. */
export type ViTPresetName = 'reference' | 'small' | 'tiny';

const QUIRKS = { attentionScale: 'width', mlpGelu: 'both', head: 'norm-relu-linear' } as const;

/**
 * Built-in configurations.
 * - `reference`: the study's model exactly (DESIGN §4), 12,470,026 parameters.
 * - `small`: D=192, 3 heads, 2 blocks, MLP 384 — the shapes benchmarked against PyTorch.
 * - `tiny`: D=64, 4 heads, 2 blocks, MLP 128, 8x8 patches (17 tokens) — a couple of epochs over
 *   9,000 images in about a minute on wasm.
 * All keep the reference quirks, so small runs exercise the same code paths.
 *
 * @example
 * ```ts
 * import { VIT_PRESETS } from './model.js';
 * VIT_PRESETS.reference.hidden; // 384
 * ```
 */
export const VIT_PRESETS: Readonly<Record<ViTPresetName, Readonly<ViTConfig>>> = {
  reference: {
    imageSize: 32, channels: 3, patchSize: 4, hidden: 384, mlpHidden: 1536, heads: 8, layers: 7, numClasses: 10,
    ...QUIRKS,
  },
  small: {
    imageSize: 32, channels: 3, patchSize: 4, hidden: 192, mlpHidden: 384, heads: 3, layers: 2, numClasses: 10,
    ...QUIRKS,
  },
  tiny: {
    imageSize: 32, channels: 3, patchSize: 8, hidden: 64, mlpHidden: 128, heads: 4, layers: 2, numClasses: 10,
    ...QUIRKS,
  },
};

/** What a parameter is, so optimizers can pick which ones get weight decay. */
export type ViTParamKind = 'weight' | 'bias' | 'norm' | 'embedding';

/** One trainable tensor of the model with its logical name (PyTorch-style dotted path). */
export interface ViTParam {
  /** e.g. `blocks.3.attn.qkv.weight`; unique within a model. */
  readonly name: string;
  readonly variable: tf.Variable;
  readonly kind: ViTParamKind;
  /** Conventional weight-decay choice: true only for matmul weights. */
  readonly decay: boolean;
}

/** A built model. */
export interface ViT {
  readonly config: Readonly<ViTConfig>;
  /** All trainable variables, in `params` order. tf names are `vit<N>/<param name>`. */
  readonly variables: tf.Variable[];
  readonly params: readonly ViTParam[];
  /** Total number of scalars in `variables`. */
  readonly paramCount: number;
  /**
   * `x: [B, H, W, C]` float32 (normalised) -> logits `[B, numClasses]`. `training` is unused (no
   * dropout). Call it inside `tf.tidy`, `optimizer.minimize` or `tf.variableGrads`: intermediates
   * are left to the caller's scope because the backward pass needs them.
   */
  apply(x: tf.Tensor4D, training?: boolean): tf.Tensor2D;
  /** Copies of every variable's current value (for best-checkpoint keeping); caller disposes. */
  snapshot(): tf.Tensor[];
  /** Assigns values produced by `snapshot()` (same order and shapes). Does not dispose them. */
  restore(values: readonly tf.Tensor[]): void;
  dispose(): void;
}

/**
 * Resolves a preset name, a full config, or a preset plus overrides into a validated config.
 *
 * @example
 * ```ts
 * import { resolveViTConfig } from './model.js';
 * resolveViTConfig({ preset: 'small', layers: 4 }).layers; // 4
 * ```
 */
export function resolveViTConfig(
  spec: ViTPresetName | ViTConfig | (Partial<ViTConfig> & { preset: ViTPresetName }),
): ViTConfig {
  let config: ViTConfig;
  if (typeof spec === 'string') {
    const preset = VIT_PRESETS[spec];
    if (!preset) throw new HyperscheduleError('vit.preset', spec, `one of ${Object.keys(VIT_PRESETS).join(', ')}`);
    config = { ...preset };
  } else if ('preset' in spec) {
    const { preset: name, ...rest } = spec;
    const preset = VIT_PRESETS[name];
    if (!preset) throw new HyperscheduleError('vit.preset', name, `one of ${Object.keys(VIT_PRESETS).join(', ')}`);
    config = { ...preset, ...rest };
  } else {
    config = { ...spec };
  }
  validate(config);
  return config;
}

function validate(c: ViTConfig): void {
  const positive: (keyof ViTConfig)[] = [
    'imageSize', 'channels', 'patchSize', 'hidden', 'mlpHidden', 'heads', 'layers', 'numClasses',
  ];
  for (const key of positive) {
    const v = c[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new HyperscheduleError(`vit.${key}`, v, 'an integer >= 1');
    }
  }
  if (c.imageSize % c.patchSize !== 0) {
    throw new HyperscheduleError('vit.patchSize', c.patchSize, `a divisor of imageSize ${c.imageSize}`);
  }
  if (c.hidden % c.heads !== 0) {
    throw new HyperscheduleError('vit.heads', c.heads, `a divisor of hidden ${c.hidden}`);
  }
  if (c.attentionScale !== 'width' && c.attentionScale !== 'head') {
    throw new HyperscheduleError('vit.attentionScale', c.attentionScale, "'width' or 'head'");
  }
  if (c.mlpGelu !== 'both' && c.mlpGelu !== 'first') {
    throw new HyperscheduleError('vit.mlpGelu', c.mlpGelu, "'both' or 'first'");
  }
  if (c.head !== 'norm-relu-linear' && c.head !== 'norm-linear') {
    throw new HyperscheduleError('vit.head', c.head, "'norm-relu-linear' or 'norm-linear'");
  }
}

/**
 * Number of tokens the model sees: one per patch plus the class token.
 *
 * @example
 * ```ts
 * import { VIT_PRESETS, tokenCount } from './model.js';
 * tokenCount(VIT_PRESETS.reference); // 65
 * ```
 */
export function tokenCount(c: ViTConfig): number {
  return (c.imageSize / c.patchSize) ** 2 + 1;
}

interface ParamSpec {
  name: string;
  shape: number[];
  kind: ViTParamKind;
  init: (rng: Rng, size: number) => Float32Array;
}

/** PyTorch `nn.Linear` default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias alike. */
const torchUniform = (fanIn: number) => (rng: Rng, size: number): Float32Array => {
  const bound = 1 / Math.sqrt(fanIn);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.uniform(-bound, bound);
  return out;
};
const standardNormal = (rng: Rng, size: number): Float32Array => {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.normal();
  return out;
};
const constant = (v: number) => (_rng: Rng, size: number): Float32Array => new Float32Array(size).fill(v);

/**
 * The parameter layout of a config, in creation order — the single source of truth for names,
 * shapes and initialisers (PyTorch defaults, as in the reference: Linear U(±1/sqrt(fan_in)),
 * class token and positional embedding N(0, 1), LayerNorm 1/0).
 *
 * @example
 * ```ts
 * import { VIT_PRESETS, vitParamLayout } from './model.js';
 * vitParamLayout(VIT_PRESETS.tiny)[0]!.name; // 'patch_embed.weight'
 * ```
 */
export function vitParamLayout(c: ViTConfig): ParamSpec[] {
  const d = c.hidden;
  const patchDim = c.patchSize * c.patchSize * c.channels;
  const lin = (name: string, fanIn: number, fanOut: number): ParamSpec[] => [
    { name: `${name}.weight`, shape: [fanIn, fanOut], kind: 'weight', init: torchUniform(fanIn) },
    { name: `${name}.bias`, shape: [fanOut], kind: 'bias', init: torchUniform(fanIn) },
  ];
  const norm = (name: string): ParamSpec[] => [
    { name: `${name}.weight`, shape: [d], kind: 'norm', init: constant(1) },
    { name: `${name}.bias`, shape: [d], kind: 'norm', init: constant(0) },
  ];
  const specs: ParamSpec[] = [
    ...lin('patch_embed', patchDim, d),
    { name: 'cls_token', shape: [1, 1, d], kind: 'embedding', init: standardNormal },
    { name: 'pos_embed', shape: [1, tokenCount(c), d], kind: 'embedding', init: standardNormal },
  ];
  for (let i = 0; i < c.layers; i++) {
    specs.push(
      ...norm(`blocks.${i}.norm1`),
      ...lin(`blocks.${i}.attn.q`, d, d),
      ...lin(`blocks.${i}.attn.k`, d, d),
      ...lin(`blocks.${i}.attn.v`, d, d),
      ...lin(`blocks.${i}.attn.o`, d, d),
      ...norm(`blocks.${i}.norm2`),
      ...lin(`blocks.${i}.mlp.fc1`, d, c.mlpHidden),
      ...lin(`blocks.${i}.mlp.fc2`, c.mlpHidden, d),
    );
  }
  specs.push(...norm('head.norm'), ...lin('head.fc', d, c.numClasses));
  return specs;
}

/**
 * Parameter count of a config without building it.
 *
 * @example
 * ```ts
 * import { VIT_PRESETS, vitParamCount } from './model.js';
 * vitParamCount(VIT_PRESETS.reference); // 12470026
 * ```
 */
export function vitParamCount(c: ViTConfig): number {
  return vitParamLayout(c).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}

/**
 * Multiply-add FLOPs (2 per multiply-accumulate) of one forward pass over `batch` images, counting
 * the matrix products only (they are >95% of the work): patch embedding, q/k/v/o, the two
 * attention products, the MLP and the head. A training step is about 3x this (backward = 2x).
 *
 * @example
 * ```ts
 * import { VIT_PRESETS, vitForwardFlops } from './model.js';
 * (3 * vitForwardFlops(VIT_PRESETS.small, 32) / 1e9).toFixed(1); // GFLOP per training step
 * ```
 */
export function vitForwardFlops(c: ViTConfig, batch: number): number {
  const t = tokenCount(c);
  const n = batch * t;
  const d = c.hidden;
  const patchDim = c.patchSize * c.patchSize * c.channels;
  const perBlock = 2 * n * d * d * 4 + 2 * 2 * batch * t * t * d + 2 * 2 * n * d * c.mlpHidden;
  return 2 * batch * (t - 1) * patchDim * d + c.layers * perBlock + 2 * batch * d * c.numClasses;
}

let modelCounter = 0;

/**
 * Builds a ViT with seeded initial weights.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import { createViT } from './model.js';
 * const vit = createViT('tiny', 42);
 * const logits = tf.tidy(() => vit.apply(tf.zeros([2, 32, 32, 3])));
 * logits.shape; // [2, 10]
 * logits.dispose();
 * vit.dispose();
 * ```
 */
export function createViT(
  spec: ViTPresetName | ViTConfig | (Partial<ViTConfig> & { preset: ViTPresetName }),
  seed: number,
): ViT {
  const config = resolveViTConfig(spec);
  const rng = createRng(seed);
  const prefix = `vit${++modelCounter}`;
  const params: ViTParam[] = vitParamLayout(config).map((s) => {
    const size = s.shape.reduce((a, b) => a * b, 1);
    const init = tf.tensor(s.init(rng, size), s.shape, 'float32');
    const variable = tf.variable(init, true, `${prefix}/${s.name}`);
    init.dispose(); // tf.variable copies; the initial tensor would otherwise stay alive.
    return { name: s.name, variable, kind: s.kind, decay: s.kind === 'weight' };
  });
  const byName = new Map(params.map((p) => [p.name, p.variable]));
  const v = <T extends tf.Tensor>(name: string): T => {
    const found = byName.get(name);
    if (!found) throw new Error(`internal: no parameter ${name}`);
    return found as unknown as T;
  };

  const d = config.hidden;
  const tokens = tokenCount(config);
  const scale = Math.sqrt(config.attentionScale === 'width' ? d : d / config.heads);
  let disposed = false;

  const apply = (x: tf.Tensor4D): tf.Tensor2D => {
    if (disposed) throw new HyperscheduleError('vit', 'disposed model', 'a live model');
    const [b, h, w, ch] = x.shape;
    if (h !== config.imageSize || w !== config.imageSize || ch !== config.channels) {
      throw new HyperscheduleError(
        'vit.input.shape',
        x.shape,
        `[B, ${config.imageSize}, ${config.imageSize}, ${config.channels}]`,
      );
    }
    const patches = patchify(x, config.patchSize);
    const embedded = reshape<tf.Rank.R3>(linear(patches, v('patch_embed.weight'), v('patch_embed.bias')), [b, tokens - 1, d]);
    // tf.broadcastTo runs as a Tile, whose gradient is one slice per batch row; repeatRows sums.
    const cls = repeatRows(v<tf.Tensor3D>('cls_token'), b);
    const seq = add(tf.concat([cls, embedded], 1), v('pos_embed'));
    let stream = reshape<tf.Rank.R2>(seq, [b * tokens, d]);
    for (let i = 0; i < config.layers; i++) {
      const p = `blocks.${i}`;
      const attnIn = layerNorm(stream, v(`${p}.norm1.weight`), v(`${p}.norm1.bias`));
      const attnOut = selfAttention(
        attnIn,
        {
          qWeight: v(`${p}.attn.q.weight`),
          qBias: v(`${p}.attn.q.bias`),
          kWeight: v(`${p}.attn.k.weight`),
          kBias: v(`${p}.attn.k.bias`),
          vWeight: v(`${p}.attn.v.weight`),
          vBias: v(`${p}.attn.v.bias`),
          oWeight: v(`${p}.attn.o.weight`),
          oBias: v(`${p}.attn.o.bias`),
        },
        { batch: b, tokens, heads: config.heads, scale },
      );
      stream = add(stream, attnOut);
      const mlpIn = layerNorm(stream, v(`${p}.norm2.weight`), v(`${p}.norm2.bias`));
      const hidden = gelu(linear(mlpIn, v(`${p}.mlp.fc1.weight`), v(`${p}.mlp.fc1.bias`)));
      let mlpOut = linear(hidden, v(`${p}.mlp.fc2.weight`), v(`${p}.mlp.fc2.bias`));
      if (config.mlpGelu === 'both') mlpOut = gelu(mlpOut);
      stream = add(stream, mlpOut);
    }
    const clsOut = firstToken(stream, b, tokens);
    let z = layerNorm(clsOut, v('head.norm.weight'), v('head.norm.bias'));
    if (config.head === 'norm-relu-linear') z = tf.relu(z);
    return linear(z, v('head.fc.weight'), v('head.fc.bias'));
  };

  const variables = params.map((p) => p.variable);
  return {
    config,
    variables,
    params,
    paramCount: variables.reduce((n, t) => n + t.size, 0),
    apply: (x) => apply(x),
    snapshot: () => variables.map((t) => tf.clone(t)),
    restore: (values) => {
      if (values.length !== variables.length) {
        throw new HyperscheduleError('vit.restore.values', values.length, `${variables.length} tensors`);
      }
      values.forEach((val, i) => variables[i]!.assign(val));
    },
    dispose: () => {
      if (disposed) return;
      disposed = true;
      for (const t of variables) t.dispose();
    },
  };
}
