import * as tf from '@tensorflow/tfjs-core';
import { HyperscheduleError } from '../errors.js';

/** Backends this picks from, best first: native TensorFlow (GPU or CPU build), wasm, plain JS. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** A backend that could not be used, and why. */
export interface SkippedBackend {
  package: string;
  reason: string;
}

/** The outcome of {@link selectBackend}. */
export interface BackendSelection {
  /** The active tfjs backend (`tf.getBackend()`). */
  backend: BackendName;
  /** The package that provides it. */
  package: string;
  /** True when the native backend is the CUDA build. */
  gpu: boolean;
  /** Better backends that were tried or passed over, best first. */
  skipped: SkippedBackend[];
  /** One line saying what was chosen and why not something better. */
  summary: string;
}

/** Options of {@link selectBackend}. */
export interface SelectBackendOptions {
  /**
   * The best backend to consider: `'tensorflow'` (default) tries everything; `'wasm'` skips the
   * native ones; `'cpu'` uses the plain JS backend. Lower ones remain fallbacks.
   */
  prefer?: BackendName;
  /** Do not print the summary line. */
  quiet?: boolean;
  /** Where the summary goes (default `console.log`). */
  log?: (line: string) => void;
  /** Module loader; tests inject one to simulate installed or broken packages. */
  importModule?: (specifier: string) => Promise<unknown>;
}

interface Candidate {
  backend: BackendName;
  package: string;
  gpu: boolean;
  /** How a user gets it, for the "not installed" reason. */
  install?: string;
}

/** Best first. Both native packages register the backend name `'tensorflow'` when imported. */
const CANDIDATES: readonly Candidate[] = [
  { backend: 'tensorflow', package: '@tensorflow/tfjs-node-gpu', gpu: true, install: 'npm run install:gpu' },
  { backend: 'tensorflow', package: '@tensorflow/tfjs-node', gpu: false, install: 'npm run install:node-native' },
  { backend: 'wasm', package: '@tensorflow/tfjs-backend-wasm', gpu: false, install: 'npm install @tensorflow/tfjs-backend-wasm' },
  { backend: 'cpu', package: '@tensorflow/tfjs-backend-cpu', gpu: false, install: 'npm install @tensorflow/tfjs' },
];

const RANK: Record<BackendName, number> = { tensorflow: 0, wasm: 2, cpu: 3 };

// A variable specifier keeps bundlers and TypeScript from resolving packages that are optional.
const defaultImport = (specifier: string): Promise<unknown> => import(specifier);

/**
 * Picks the fastest tfjs backend present — `@tensorflow/tfjs-node-gpu`, `@tensorflow/tfjs-node`,
 * `@tensorflow/tfjs-backend-wasm`, then the plain `cpu` backend — activates it, and prints one
 * line naming it and why each better one was unavailable. Optional packages are loaded with a
 * dynamic `import()` inside try/catch: a missing or broken native build is a reason in the
 * summary, never a crash.
 *
 * @example
 * ```ts
 * import { selectBackend } from 'hyperschedule/node';
 * const { backend, summary } = await selectBackend({ prefer: 'wasm', quiet: true });
 * console.log(summary); // backend: wasm (@tensorflow/tfjs-backend-wasm) — native TensorFlow skipped (prefer: wasm)
 * ```
 */
export async function selectBackend(opts: SelectBackendOptions = {}): Promise<BackendSelection> {
  const prefer = opts.prefer ?? 'tensorflow';
  if (!(prefer in RANK)) throw new HyperscheduleError('backend.prefer', prefer, "'tensorflow', 'wasm' or 'cpu'");
  const load = opts.importModule ?? defaultImport;
  const skipped: SkippedBackend[] = [];
  for (const c of CANDIDATES) {
    if (RANK[c.backend] < RANK[prefer]) {
      skipped.push({ package: c.package, reason: `skipped (prefer: ${prefer})` });
      continue;
    }
    const reason = await activate(c, load);
    if (reason === undefined) {
      const selection: BackendSelection = {
        backend: c.backend,
        package: c.package,
        gpu: c.gpu,
        skipped,
        summary: await summarise(c, skipped),
      };
      if (!opts.quiet) (opts.log ?? console.log)(selection.summary);
      return selection;
    }
    skipped.push({ package: c.package, reason });
  }
  // Unreachable in practice: the cpu backend ships with tfjs-core.
  throw new Error(`no tfjs backend could be activated: ${skipped.map((s) => `${s.package}: ${s.reason}`).join('; ')}`);
}

/** Loads and activates one candidate; returns why not, or undefined on success. */
async function activate(c: Candidate, load: (specifier: string) => Promise<unknown>): Promise<string | undefined> {
  const before = processListeners();
  try {
    try {
      await load(c.package);
    } catch (err) {
      return describeImportError(err, c);
    }
    if (!tf.engine().registryFactory[c.backend]) {
      return `loaded, but registered no '${c.backend}' backend with this copy of @tensorflow/tfjs-core (duplicate tfjs-core installs?)`;
    }
    try {
      const ok = await tf.setBackend(c.backend);
      if (!ok) return 'failed to initialise';
      await tf.ready();
      return undefined;
    } catch (err) {
      return `failed to initialise (${firstLine(err)})`;
    }
  } finally {
    dropAddedListeners(before);
  }
}

type Listener = (...args: unknown[]) => void;
type Listeners = { uncaughtException: Listener[]; unhandledRejection: Listener[] };

function processListeners(): Listeners {
  return {
    uncaughtException: process.listeners('uncaughtException') as Listener[],
    unhandledRejection: process.listeners('unhandledRejection') as Listener[],
  };
}

/**
 * The wasm backend's Emscripten glue installs process-wide handlers that rethrow every uncaught
 * error — Node then prints the whole minified glue file as the error location. They do nothing
 * else, so remove them and keep Node's normal error reports.
 */
function dropAddedListeners(before: Listeners): void {
  for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
    for (const listener of process.listeners(event as 'uncaughtException') as Listener[]) {
      if (!before[event].includes(listener)) process.removeListener(event as 'uncaughtException', listener);
    }
  }
}

function describeImportError(err: unknown, c: Candidate): string {
  const message = firstLine(err);
  // Only the package itself missing counts as "not installed"; a missing file inside it (e.g. the
  // native binding of a failed tfjs-node install) is a broken install, reported as such.
  if (message.includes(`Cannot find module '${c.package}'`) || message.includes(`Cannot find package '${c.package}'`)) {
    return `not installed${c.install ? ` (${c.install})` : ''}`;
  }
  return `failed to load (${message})`;
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const line = text.split('\n')[0] ?? text;
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

async function summarise(c: Candidate, skipped: SkippedBackend[]): Promise<string> {
  let detail = c.package;
  if (c.backend === 'wasm') {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT').catch(() => false);
    const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT').catch(() => false);
    detail += `, ${simd ? 'SIMD' : 'no SIMD'}, ${threads ? 'multi-threaded' : 'one thread'}`;
  }
  if (c.gpu) detail += ', CUDA';
  const why = skipped.map((s) => `${s.package.replace('@tensorflow/', '')} ${s.reason}`).join('; ');
  return `backend: ${c.backend} (${detail})${why ? ` — ${why}` : ''}`;
}
