/**
 * Vega-Lite spec → SVG (vega's headless view) → PNG (resvg), with the DejaVu Sans files of the
 * `dejavu-fonts-ttf` npm package and no system fonts, so the same results give the same bytes on
 * any machine with the same lockfile.
 */
import { createRequire } from 'node:module';
import { renderVegaLiteSvg } from '../report/render.js';
import { FIGURE_FONT } from './figures.js';

const require = createRequire(import.meta.url);

/** The font files every figure is drawn with (regular and bold: titles are bold). */
function fontFiles(): string[] {
  return ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => require.resolve(`dejavu-fonts-ttf/ttf/${f}`));
}

/** Pixels per SVG unit: sharp on high-density screens, still small files. */
const ZOOM = 2;

/**
 * An SVG as PNG bytes, drawn with the packaged fonts only.
 *
 * @example
 * ```ts
 * import { svgToPng } from './png.js';
 * // (await svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')).subarray(1, 4).toString(); // 'PNG'
 * ```
 */
export async function svgToPng(svg: string): Promise<Buffer> {
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    font: { fontFiles: fontFiles(), loadSystemFonts: false, defaultFontFamily: FIGURE_FONT },
    fitTo: { mode: 'zoom', value: ZOOM },
    background: 'white',
  });
  return resvg.render().asPng();
}

/**
 * A Vega-Lite spec rendered to PNG bytes.
 *
 * @example
 * ```ts
 * import { renderPng } from './png.js';
 * // await renderPng(accuracyFigure(study)!.spec)
 * ```
 */
export async function renderPng(spec: Readonly<Record<string, unknown>>): Promise<Buffer> {
  return svgToPng(await renderVegaLiteSvg(spec));
}
