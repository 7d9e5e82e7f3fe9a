/**
 * Command-line plumbing shared by the examples: `--quick`, `--backend`, `--seed`, `--data-dir`,
 * backend selection with its one-line report, a stopwatch and a plain-text table.
 */
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { HyperscheduleError } from 'hyperschedule';
import { selectBackend, type BackendName } from 'hyperschedule/node';

/** Options every example accepts. */
export interface CommonOptions {
  /** A few-second version for tests (less data, fewer epochs). */
  readonly quick: boolean;
  /** The best backend to try (default `tensorflow`: native if installed, else wasm, else cpu). */
  readonly backend: BackendName;
  readonly seed: number;
  /** CIFAR-10 folder (default: `CIFAR10_DIR`, else `../shared/data/cifar10-subset`). */
  readonly dataDir: string | undefined;
  /** `auto` (CIFAR-10 when found, else the bundled MNIST), `cifar10` or `mnist`. */
  readonly dataset: 'auto' | 'cifar10' | 'mnist';
  /** Where lines go (default `console.log`). */
  readonly log: (line: string) => void;
}

const BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/**
 * Parses the common flags (`--quick`, `--backend <tensorflow|wasm|cpu>`, `--seed <n>`,
 * `--data-dir <dir>`, `--dataset <auto|cifar10|mnist>`) plus the example's own flags.
 *
 * @example
 * ```ts
 * const { common, extra } = parseCommon(['--quick', '--seeds', '3'], { seeds: { type: 'string' } });
 * ```
 */
export function parseCommon(
  argv: readonly string[],
  extraFlags: Record<string, { type: 'string' | 'boolean' }> = {},
  log: (line: string) => void = console.log,
): { common: CommonOptions; extra: Record<string, string | boolean | undefined> } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      backend: { type: 'string', default: 'tensorflow' },
      seed: { type: 'string', default: '0' },
      'data-dir': { type: 'string' },
      dataset: { type: 'string', default: 'auto' },
      ...extraFlags,
    },
    strict: true,
  });
  const backend = values.backend as string;
  if (!BACKENDS.includes(backend as BackendName)) throw new HyperscheduleError('--backend', backend, BACKENDS.join(' | '));
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new HyperscheduleError('--seed', values.seed, 'an integer');
  const dataset = values.dataset as string;
  if (dataset !== 'auto' && dataset !== 'cifar10' && dataset !== 'mnist') throw new HyperscheduleError('--dataset', dataset, 'auto | cifar10 | mnist');
  const extra: Record<string, string | boolean | undefined> = {};
  for (const key of Object.keys(extraFlags)) extra[key] = (values as Record<string, string | boolean | undefined>)[key];
  return {
    common: { quick: values.quick as boolean, backend: backend as BackendName, seed, dataDir: values['data-dir'] as string | undefined, dataset, log },
    extra,
  };
}

/**
 * Activates the best available backend at or below `prefer` and logs the one-line reason.
 *
 * @example
 * ```ts
 * await useBackend('wasm', console.log); // 'wasm'
 * ```
 */
export async function useBackend(prefer: BackendName, log: (line: string) => void): Promise<string> {
  const selection = await selectBackend({ prefer, log });
  return selection.backend;
}

/**
 * Seconds since `start` (a `performance.now()` reading), rounded to one decimal.
 *
 * @example
 * ```ts
 * const t = performance.now(); seconds(t); // 0
 * ```
 */
export function seconds(start: number): number {
  return Math.round((performance.now() - start) / 100) / 10;
}

/**
 * Left-aligned plain-text table.
 *
 * @example
 * ```ts
 * table([['run', 'acc'], ['plain', '0.41']]); // 'run    acc \nplain  0.41'
 * ```
 */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n');
}

/**
 * True when the module at `metaUrl` is the script node/tsx was started with.
 *
 * @example
 * ```ts
 * if (isEntryPoint(import.meta.url)) await main();
 * ```
 */
export function isEntryPoint(metaUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && pathToFileURL(entry).href === metaUrl;
}
