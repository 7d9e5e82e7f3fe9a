export { runCli, nodeCliIO, type CliIO } from './run.js';
export { specValues, type SpecValues, type SpecValuesOptions } from './spec-values.js';
export { formatValues, plotValues, type ValuesFormat, type PlotOptions } from './format.js';
export { parseSpecArgument } from './spec-input.js';
