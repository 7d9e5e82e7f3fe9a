import { HyperscheduleError } from '../../errors.js';

interface VegaModule {
  parse(spec: unknown): unknown;
  View: new (runtime: unknown, options: { renderer: 'none' }) => { toSVG(): Promise<string>; finalize(): void };
}
interface VegaLiteModule {
  compile(spec: unknown): { spec: unknown };
}

// Variable specifiers keep bundlers from inlining vega (a large, optional dependency of reports).
const VEGA = 'vega';
const VEGA_LITE = 'vega-lite';
let modules: Promise<{ vega: VegaModule; vl: VegaLiteModule }> | undefined;

function loadVega(): Promise<{ vega: VegaModule; vl: VegaLiteModule }> {
  modules ??= (async () => {
    try {
      const [vega, vl] = await Promise.all([import(VEGA), import(VEGA_LITE)]);
      return { vega: vega as VegaModule, vl: vl as VegaLiteModule };
    } catch (err) {
      modules = undefined;
      throw new HyperscheduleError('report', `vega/vega-lite not loadable (${(err as Error).message.split('\n')[0]})`, 'vega@5 and vega-lite@5 installed (npm install vega vega-lite)');
    }
  })();
  return modules;
}

/**
 * Renders a Vega-Lite spec to a standalone SVG string on the server (vega's headless view, no
 * browser or canvas needed). Needs the `vega` and `vega-lite` packages.
 *
 * @example
 * ```ts
 * import { renderVegaLiteSvg } from 'hyperschedule/node';
 * const svg = await renderVegaLiteSvg({ data: { values: [{ x: 1, y: 2 }] }, mark: 'point', encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } });
 * svg.startsWith('<svg'); // true
 * ```
 */
export async function renderVegaLiteSvg(spec: Readonly<Record<string, unknown>>): Promise<string> {
  const { vega, vl } = await loadVega();
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
