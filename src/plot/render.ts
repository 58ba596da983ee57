import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Renders a Vega-Lite spec to SVG text in Node, without a browser or a canvas: Vega-Lite
 * compiles the spec to Vega, and a headless Vega view (`renderer: 'none'`) writes the SVG.
 * Text widths are estimated (no font metrics without a canvas), which is fine for labels.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vg = compile(spec).spec;
  const view = new vega.View(vega.parse(vg), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Common look of every figure. */
export const FIGURE_CONFIG = {
  background: 'white',
  font: 'Helvetica, Arial, sans-serif',
  view: { stroke: '#ccc' },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260, titleLimit: 300 },
  title: { fontSize: 14, subtitleFontSize: 11, subtitleColor: '#555', anchor: 'start' },
} as const;

/** Default plot area size. */
export const WIDTH = 640;
export const HEIGHT = 300;
