/**
 * Why `examples/main.ts` relaunches itself under `node --import tsx` when tsx's CLI started it, with
 * a stand-in run whose steps block the event loop for 300 ms (test/examples/fixtures/busy-run.ts):
 * without the relaunch, tsx's CLI SIGKILLs the run 60 ms after Ctrl-C and it never saves; with it,
 * Ctrl-C (to the process group, as a terminal sends it, so it arrives twice and counts once) and
 * SIGTERM to tsx alone both let it finish its step and save; a closed IPC channel to the wrapper
 * stops it as SIGHUP.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../examples/helpers.js';

const FIXTURE = join(REPO_ROOT, 'test', 'examples', 'fixtures', 'busy-run.ts');
const TSX = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');

function run(command: string, args: readonly string[], env: Record<string, string>, act: (child: ReturnType<typeof spawn>) => void) {
  return new Promise<{ code: number | null; signal: string | null; out: string }>((resolve) => {
    const child = spawn(command, [...args], { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env, ...env } });
    let out = '';
    let acted = false;
    const onData = (d: Buffer) => {
      out += String(d);
      if (!acted && out.includes('first step done')) {
        acted = true;
        act(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    // Not 'close': it never fires once this side has disconnected the IPC channel.
    const outputs = [child.stdout!, child.stderr!].map((s) => new Promise((r) => s.on('close', r)));
    child.on('exit', (code, signal) => {
      void Promise.all(outputs).then(() => resolve({ code, signal, out }));
    });
  });
}

describe('a run started by tsx\'s CLI', () => {
  it('without the relaunch, Ctrl-C kills it before it can save (the bug)', async () => {
    // The guard variable makes the fixture believe it was already relaunched.
    const r = await run(TSX, [FIXTURE], { HYPERSCHEDULE_RELAUNCHED: '1' }, (c) => process.kill(-c.pid!, 'SIGINT'));
    expect(r.out).toContain('relaunched=1');
    expect(r.out).not.toContain('checkpoint written');
    expect(r.code).toBe(130); // tsx's CLI: 128 + SIGINT, after SIGKILLing its child
  });

  it('relaunched: Ctrl-C to the process group stops it after the step, once, with exit code 130', async () => {
    const r = await run(TSX, [FIXTURE], {}, (c) => process.kill(-c.pid!, 'SIGINT'));
    expect(r.out).toMatch(/relaunched=1, flags=--import file:\/\/\S+\/tsx\//);
    expect(r.out).not.toContain('preflight');
    expect(r.out.match(/stop requested: SIGINT/g)).toHaveLength(1);
    expect(r.out).toMatch(/checkpoint written after [1-9]\d* steps/);
    expect(r.code).toBe(130);
  });

  it('relaunched: SIGTERM to tsx\'s CLI alone reaches the run, which saves and exits 143', async () => {
    const r = await run(TSX, [FIXTURE], {}, (c) => c.kill('SIGTERM'));
    expect(r.out).toContain('stop requested: SIGTERM');
    expect(r.out).toMatch(/checkpoint written after [1-9]\d* steps/);
    expect(r.code).toBe(143);
  });
});

it('run under node --import tsx with an IPC channel, it stops as SIGHUP when the channel closes (its parent is gone)', async () => {
  const r = await run(process.execPath, ['--import', 'tsx', FIXTURE], {}, (c) => c.disconnect());
  expect(r.out).toContain('relaunched=no');
  expect(r.out).toContain('stop requested: SIGHUP');
  expect(r.out).toMatch(/checkpoint written after [1-9]\d* steps/);
  expect(r.code).toBe(129);
});
