import type { ChannelStats } from './normalize.js';
import type { Rng } from '../rng.js';

/**
 * Training-time augmentation, done on the CPU in typed arrays while the batch is assembled (one
 * pass per pixel: crop, resize, flip and normalise together), so it is the same on every backend
 * and costs well under a millisecond per image.
 * - `random-resized`: torchvision `RandomResizedCrop(size, scale, ratio)` — same sampling of the
 *   crop box (10 tries, then a centre crop), bilinear resize with half-pixel centres
 *   (`align_corners=False`). Output stays float (torchvision on PIL images rounds to uint8).
 * - `padded`: `RandomCrop(size, padding=pad)` with black padding.
 * - `none`: the image as is.
 * `flip` adds `RandomHorizontalFlip(0.5)`.
 */
export type AugmentOptions =
  | { crop: 'none'; flip?: boolean }
  | { crop: 'random-resized'; scale?: readonly [number, number]; ratio?: readonly [number, number]; flip?: boolean }
  | { crop: 'padded'; pad?: number; flip?: boolean };

/**
 * The reference study's augmentation: RandomResizedCrop(32, scale 0.8–1, ratio 0.9–1.1) + flip.
 *
 * @example
 * ```ts
 * import { REFERENCE_AUGMENT } from './augment.js';
 * REFERENCE_AUGMENT.crop; // 'random-resized'
 * ```
 */
export const REFERENCE_AUGMENT: AugmentOptions = { crop: 'random-resized', scale: [0.8, 1], ratio: [0.9, 1.1], flip: true };

/**
 * The classic CIFAR alternative: 4-pixel padded random crop + flip.
 *
 * @example
 * ```ts
 * import { PADDED_CROP_AUGMENT } from './augment.js';
 * PADDED_CROP_AUGMENT.crop; // 'padded'
 * ```
 */
export const PADDED_CROP_AUGMENT: AugmentOptions = { crop: 'padded', pad: 4, flip: true };

/** A crop box in source pixels. */
export interface CropBox {
  top: number;
  left: number;
  height: number;
  width: number;
}

/**
 * torchvision's `RandomResizedCrop.get_params`: the crop box for an `height x width` image.
 *
 * @example
 * ```ts
 * import { createRng } from '../rng.js';
 * import { randomResizedCropBox } from './augment.js';
 * const box = randomResizedCropBox(32, 32, [0.8, 1], [0.9, 1.1], createRng(0));
 * box.height * box.width >= 0.8 * 32 * 32 * 0.9; // true (rounding aside)
 * ```
 */
export function randomResizedCropBox(
  height: number,
  width: number,
  scale: readonly [number, number],
  ratio: readonly [number, number],
  rng: Rng,
): CropBox {
  const area = height * width;
  const logLo = Math.log(ratio[0]);
  const logHi = Math.log(ratio[1]);
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * rng.uniform(scale[0], scale[1]);
    const aspect = Math.exp(rng.uniform(logLo, logHi));
    const w = Math.round(Math.sqrt(target * aspect));
    const h = Math.round(Math.sqrt(target / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      return { top: rng.int(height - h + 1), left: rng.int(width - w + 1), height: h, width: w };
    }
  }
  // Fallback: the largest centred crop within the ratio bounds.
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < ratio[0]) h = Math.round(w / ratio[0]);
  else if (inRatio > ratio[1]) w = Math.round(h * ratio[1]);
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/**
 * Writes one augmented, normalised image (`height x width x channels`, HWC) into `out` at
 * `outOffset` as float32 `(pixel/255 - mean) / std`. The source is `src` at `srcOffset`, same shape.
 * All randomness is drawn from `rng` in a fixed order, so a seed fixes the result.
 *
 * @example
 * ```ts
 * import { createRng } from '../rng.js';
 * import { augmentImage } from './augment.js';
 * const out = new Float32Array(4 * 4 * 1);
 * augmentImage(new Uint8Array(16).fill(255), 0, { height: 4, width: 4, channels: 1 }, out, 0,
 *   { crop: 'padded', pad: 1, flip: true }, { mean: [0], std: [1] }, createRng(3));
 * ```
 */
export function augmentImage(
  src: Uint8Array,
  srcOffset: number,
  shape: { height: number; width: number; channels: number },
  out: Float32Array,
  outOffset: number,
  aug: AugmentOptions,
  stats: ChannelStats,
  rng: Rng,
): void {
  const { height: H, width: W, channels: C } = shape;
  const mul = new Float32Array(C);
  const add = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    mul[c] = 1 / (255 * stats.std[c]!);
    add[c] = -stats.mean[c]! / stats.std[c]!;
  }
  if (aug.crop === 'random-resized') {
    const box = randomResizedCropBox(H, W, aug.scale ?? [0.08, 1], aug.ratio ?? [3 / 4, 4 / 3], rng);
    const flip = aug.flip === true && rng.next() < 0.5;
    resizeBilinear(src, srcOffset, W, C, box, out, outOffset, H, W, flip, mul, add);
    return;
  }
  if (aug.crop === 'padded') {
    const pad = aug.pad ?? 4;
    const top = rng.int(2 * pad + 1) - pad;
    const left = rng.int(2 * pad + 1) - pad;
    const flip = aug.flip === true && rng.next() < 0.5;
    for (let y = 0; y < H; y++) {
      const sy = y + top;
      for (let x = 0; x < W; x++) {
        const sx = (flip ? W - 1 - x : x) + left;
        const o = outOffset + (y * W + x) * C;
        const inside = sy >= 0 && sy < H && sx >= 0 && sx < W;
        const s = srcOffset + (sy * W + sx) * C;
        for (let c = 0; c < C; c++) out[o + c] = inside ? src[s + c]! * mul[c]! + add[c]! : add[c]!;
      }
    }
    return;
  }
  const flip = aug.flip === true && rng.next() < 0.5;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = outOffset + (y * W + x) * C;
      const s = srcOffset + (y * W + (flip ? W - 1 - x : x)) * C;
      for (let c = 0; c < C; c++) out[o + c] = src[s + c]! * mul[c]! + add[c]!;
    }
  }
}

/** Bilinear resize of `box` to `outH x outW` (half-pixel centres, edge clamp), flipping columns if asked. */
function resizeBilinear(
  src: Uint8Array,
  srcOffset: number,
  srcW: number,
  C: number,
  box: CropBox,
  out: Float32Array,
  outOffset: number,
  outH: number,
  outW: number,
  flip: boolean,
  mul: Float32Array,
  add: Float32Array,
): void {
  const sy = box.height / outH;
  const sx = box.width / outW;
  for (let y = 0; y < outH; y++) {
    const fy = Math.max(0, (y + 0.5) * sy - 0.5);
    const y0 = Math.min(Math.floor(fy), box.height - 1);
    const y1 = Math.min(y0 + 1, box.height - 1);
    const wy = fy - y0;
    const row0 = srcOffset + (box.top + y0) * srcW * C;
    const row1 = srcOffset + (box.top + y1) * srcW * C;
    for (let x = 0; x < outW; x++) {
      const fx = Math.max(0, (x + 0.5) * sx - 0.5);
      const x0 = Math.min(Math.floor(fx), box.width - 1);
      const x1 = Math.min(x0 + 1, box.width - 1);
      const wx = fx - x0;
      const c00 = row0 + (box.left + x0) * C;
      const c01 = row0 + (box.left + x1) * C;
      const c10 = row1 + (box.left + x0) * C;
      const c11 = row1 + (box.left + x1) * C;
      const o = outOffset + (y * outW + (flip ? outW - 1 - x : x)) * C;
      for (let c = 0; c < C; c++) {
        const top = src[c00 + c]! + (src[c01 + c]! - src[c00 + c]!) * wx;
        const bottom = src[c10 + c]! + (src[c11 + c]! - src[c10 + c]!) * wx;
        out[o + c] = (top + (bottom - top) * wy) * mul[c]! + add[c]!;
      }
    }
  }
}
