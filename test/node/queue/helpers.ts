/**
 * Shared by the queue tests: a real redis-server on 127.0.0.1 (the tests skip, saying why, when it
 * is not installed — except under CI=true, where they fail), the checkpointing fixture trial, and
 * readers of what it appends to the sweep folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, it } from 'vitest';
import { findRedisServer, startRedisServer, type RedisServer } from '../../../src/node/queue/redis-server.js';
import { expandSweep, type SweepTrial } from '../../../src/node/sweep/config.js';
import type { TrialCommand } from '../../../src/node/sweep/trial-process.js';
import type { TrialPaths } from '../../../src/node/sweep/trial-paths.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const TRIAL = fileURLToPath(new URL('./fixtures/checkpoint-trial.mjs', import.meta.url));

/** Whether the queue tests can run here; when not, why, and whether that fails the run (CI). */
export const REDIS_SERVER = findRedisServer();
const missing = 'redis-server is not installed (apt-get install redis-server): the queue tests need a real Redis';
if (REDIS_SERVER === undefined && process.env.CI !== 'true') console.warn(`test/node/queue: skipped — ${missing}`);

/** In CI a missing redis-server is a failure, not a skip. */
export function requireRedisInCi(): void {
  if (REDIS_SERVER === undefined && process.env.CI === 'true') {
    it('has redis-server (CI=true)', () => {
      throw new Error(missing);
    });
  }
}

/** A redis-server for the file's tests (started before them, stopped after). */
export function useRedis(): { readonly url: () => string } {
  let server: RedisServer | undefined;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return { url: () => server!.url };
}

/** A sweep folder and trials of the fixture (`x` from `xs`, everything else from `base`). */
export function fixtureSweep(xs: readonly number[], base: Record<string, number | boolean> = {}): { dir: string; trials: SweepTrial[] } {
  const dir = mkdtempSync(join(tmpdir(), 'hs-queue-'));
  for (const f of ['launches.txt', 'completions.txt']) writeFileSync(join(dir, f), '');
  return { dir, trials: expandSweep({ name: 'q', base, grids: [{ x: [...xs] }], seeds: 1 }) };
}

/** The fixture's command, as the local executor would start it. */
export const fixtureCommand = (t: SweepTrial, p: TrialPaths): TrialCommand => ({ command: process.execPath, args: [TRIAL, JSON.stringify(t.params), p.dir, p.result] });

/** One line of `launches.txt`: the trial's x, the step it resumed at, its pid and its parent's, the time. */
export interface Launch {
  readonly x: number;
  readonly start: number;
  readonly pid: number;
  readonly ppid: number;
  readonly at: number;
}

function lines(dir: string, file: string): number[][] {
  return readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean).map((line) => line.split(' ').map(Number));
}

export function launches(dir: string): Launch[] {
  return lines(dir, 'launches.txt').map(([x, start, pid, ppid, at]) => ({ x: x!, start: start!, pid: pid!, ppid: ppid!, at: at! }));
}

/** The x of every result written, in order (`completions.txt`). */
export function completions(dir: string): number[] {
  return lines(dir, 'completions.txt').map(([x]) => x!);
}

/** When each result was written, by x. */
export function completionTimes(dir: string): Map<number, number> {
  return new Map(lines(dir, 'completions.txt').map(([x, at]) => [x!, at!]));
}

/** The step of a trial's checkpoint (0 before the first). */
export function checkpointStep(paths: TrialPaths): number {
  const file = join(paths.dir, 'checkpoint.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { step: number }).step : 0;
}

/** Polls `check` every 20 ms until it holds (or fails after `ms`). */
export async function waitFor(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** `hyperschedule worker` as its own process (`npm run worker` runs the same), with its output kept. */
export function workerProcess(args: readonly string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/node/cli.ts'), 'worker', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (c: Buffer) => { text += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { text += c.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}
