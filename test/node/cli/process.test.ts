/**
 * The `hyperschedule` process under faults that only a real process shows: a reader that goes
 * away (EPIPE), a full output device (ENOSPC), a spec path that is a device or a pipe, and plots
 * that used to loop forever inside asciichart. Each run has a timeout, so a hang fails the test
 * instead of blocking the suite.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = ['--import', 'tsx', 'src/node/cli.ts'];
/** Generous for a loaded 2-core machine; a hang is killed at this point and fails the test. */
const TIMEOUT = 30_000;

function run(args: readonly string[], stdout: 'pipe' | number = 'pipe'): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: TIMEOUT, stdio: ['ignore', stdout, 'pipe'] });
}

/** Runs `command` in bash with pipefail, so the status is the CLI's when it fails. */
function pipeline(command: string): SpawnSyncReturns<string> {
  return spawnSync('bash', ['-c', `set -o pipefail; ${command}`], { cwd: ROOT, encoding: 'utf8', timeout: TIMEOUT });
}

const cli = `"${process.execPath}" ${CLI.join(' ')}`;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** One line on stderr, no stack frame. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr.trimEnd()).toMatch(pattern);
}

describe('output that cannot be written', () => {
  it('a reader that closes early (| head -1) ends the CLI quietly with exit code 0', () => {
    const result = pipeline(`${cli} values '{"type":"constant","value":1}' --steps 200000 --csv | head -1`);
    expect(result.error).toBeUndefined();
    expect(result.stdout).toBe('step,value\n');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.skipIf(!existsSync('/dev/full'))('a full device (ENOSPC, /dev/full) is one error line and exit code 1', () => {
    const full = openSync('/dev/full', 'w');
    try {
      const result = run(['values', '{"type":"constant","value":1}', '--steps', '1000'], full);
      expect(result.error).toBeUndefined();
      expect(result.status).toBe(1);
      expectOneLine(result.stderr, /^hyperschedule: cannot write to stdout: no space left on device \(ENOSPC\)$/);
    } finally {
      closeSync(full);
    }
  });
});

describe('spec paths that are not regular files', () => {
  it('/dev/zero is refused at once, not read forever', () => {
    const result = run(['values', '/dev/zero', '--steps', '3']);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expectOneLine(result.stderr, /^hyperschedule: spec: got "\/dev\/zero", expected inline JSON or the path of a readable JSON file \(a character device, not a regular file\)$/);
  });

  const mkfifo = spawnSync('mkfifo', ['--version'], { stdio: 'ignore' }).status === 0;
  it.skipIf(!mkfifo)('a named pipe nobody writes to is refused at once, not waited on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-fifo-'));
    dirs.push(dir);
    const fifo = join(dir, 'spec.json');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const result = run(['values', fifo, '--steps', '3']);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(1);
    expectOneLine(result.stderr, /\(a named pipe, not a regular file\)$/);
  });
});

describe('plots that asciichart alone never finishes', () => {
  const cases: [string, string][] = [
    ['a huge constant', '{"type":"constant","value":1e20}'],
    ['a curve that moves by one ulp', '{"type":"linear","init":1,"end":1.0000000000000002,"duration":10}'],
    ['the largest finite constant', '{"type":"constant","value":1.7976931348623157e308}'],
  ];
  for (const [name, spec] of cases) {
    it(`${name} is drawn and the process exits 0`, () => {
      const started = Date.now();
      const result = run(['plot', spec, '--steps', '10', '--height', '4']);
      expect(result.error, `still running after ${Date.now() - started} ms`).toBeUndefined();
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout.split('\n')[0]).toBe('value');
    });
  }
});

describe('bin/hyperschedule.cjs', () => {
  it('in a checkout that was never built, says to build in one line (exit code 1)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-bin-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'bin'));
    copyFileSync(join(ROOT, 'bin', 'hyperschedule.cjs'), join(dir, 'bin', 'hyperschedule.cjs'));
    const result = spawnSync(process.execPath, [join(dir, 'bin', 'hyperschedule.cjs'), 'values'], { encoding: 'utf8', timeout: TIMEOUT });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('hyperschedule: dist/cli.cjs is missing; run `npm run build` first\n');
  });
});
