/**
 * Plots of results folders. `plotResults` loads Vega (the renderer) on first use, so importing
 * the library does not.
 */
import type { PlotOptions, PlotReport } from './plot.js';

export type { PlotOptions, PlotReport } from './plot.js';

/** Writes SVG figures and an index.html for a run or sweep folder (see `fabricsim plot`). */
export async function plotResults(dir: string, options: PlotOptions = {}): Promise<PlotReport> {
  const { plotResults: plot } = await import('./plot.js');
  return plot(dir, options);
}
