/**
 * Where results go and how they are shown: each benchmark writes `bench/results/<name>.json`
 * (with the machine, the load and the command that reproduces it) and prints a plain table.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (bench/lib/../..). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where result files go. */
export const RESULTS_DIR = join(ROOT, 'bench', 'results');

/** Command-line flags every benchmark understands. */
export interface BenchArgs {
  /** Fewer repetitions and smaller probes (for a quick look; the committed results are full runs). */
  readonly quick: boolean;
  /** Remaining `--key value` / `--key=value` options. */
  readonly options: Readonly<Record<string, string>>;
}

/**
 * Parses `--quick` and `--key value` options from `process.argv`.
 *
 * @example
 * ```ts
 * import { parseArgs } from './report.js';
 * parseArgs(['--quick', '--reps', '5']).options.reps; // '5'
 * ```
 */
export function parseArgs(argv: readonly string[] = process.argv.slice(2)): BenchArgs {
  const options: Record<string, string> = {};
  let quick = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) options[a.slice(2, eq)] = a.slice(eq + 1);
      else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) options[a.slice(2)] = argv[++i]!;
      else options[a.slice(2)] = 'true';
    }
  }
  return { quick, options };
}

/** What the machine was doing, stored with every result (the numbers mean little without it). */
export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGB: number;
  readonly node: string;
  readonly platform: string;
  /** 1-, 5- and 15-minute load averages when the benchmark started. */
  readonly loadAverage: readonly number[];
  readonly commit: string | null;
  readonly date: string;
}

/**
 * Describes this machine and its current load.
 *
 * @example
 * ```ts
 * import { machineInfo } from './report.js';
 * machineInfo().cores; // e.g. 2
 * ```
 */
export function machineInfo(): MachineInfo {
  let commit: string | null = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    commit = null;
  }
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    commit,
    date: new Date().toISOString(),
  };
}

/**
 * The version of an installed package (from its package.json), or null.
 *
 * @example
 * ```ts
 * import { packageVersion } from './report.js';
 * packageVersion('@tensorflow/tfjs-core'); // '4.22.0'
 * ```
 */
export function packageVersion(name: string): string | null {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

/**
 * The command that reproduces one benchmark.
 *
 * @example
 * ```ts
 * import { reproduceCommand } from './report.js';
 * reproduceCommand('overhead', false); // 'npm run bench -- --only overhead'
 * ```
 */
export function reproduceCommand(name: string, quick: boolean): string {
  return `npm run bench -- --only ${name}${quick ? ' --quick' : ''}`;
}

/**
 * Writes `bench/results/<name>.json` with the machine description, the command and `data`.
 *
 * @example
 * ```ts
 * import { writeResult } from './report.js';
 * writeResult('example', false, { ratio: 1.0 });
 * ```
 */
export function writeResult(name: string, quick: boolean, data: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name}.json`);
  const body = { benchmark: name, command: reproduceCommand(name, quick), quick, machine: machineInfo(), ...data };
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}

/**
 * Prints an aligned plain-text table (first column left-aligned, the rest right-aligned).
 *
 * @example
 * ```ts
 * import { printTable } from './report.js';
 * printTable('demo', ['name', 'ms'], [['a', '1.0']]);
 * ```
 */
export function printTable(title: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

/**
 * Milliseconds elapsed while running `f` (wall clock, high resolution).
 *
 * @example
 * ```ts
 * import { timeMs } from './report.js';
 * timeMs(() => { for (let i = 0; i < 1e5; i++); }); // a small number
 * ```
 */
export function timeMs(f: () => void): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

/**
 * CPU time (user + system) this process has used, in milliseconds. Timings by CPU time are far
 * less sensitive than wall time to other processes competing for the cores (the wasm backend
 * runs on one thread, so uncontended they agree).
 *
 * @example
 * ```ts
 * import { cpuMs } from './report.js';
 * const t0 = cpuMs(); // ... work ...; cpuMs() - t0
 * ```
 */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
