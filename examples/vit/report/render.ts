/**
 * Renders a Vega-Lite spec to a standalone SVG string on the server (vega's headless view, no
 * browser or canvas needed). vega and vega-lite are loaded on first use, so commands that write
 * no report (a trial process, `--help`) do not pay for them.
 *
 * @example
 * ```ts
 * import { renderVegaLiteSvg } from './render.js';
 * const svg = await renderVegaLiteSvg({ data: { values: [{ x: 1, y: 2 }] }, mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } });
 * svg.startsWith('<svg'); // true
 * ```
 */
export async function renderVegaLiteSvg(spec: Readonly<Record<string, unknown>>): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vl.compile(spec as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
