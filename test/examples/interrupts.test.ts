/**
 * The interrupt plumbing of the examples (examples/shared/stop-signals.ts, relaunch.ts), in-process:
 * which signal asks what, the same Ctrl-C delivered several times counted once, a later Ctrl-C
 * quitting, exit codes, and how a process started by tsx's CLI is recognised and relaunched
 * without tsx's hooks. (Real processes and real signals: test/e2e/relaunch.test.ts, interrupt.test.ts.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nodeFlagsWithoutTsxCli, startedByTsxCli } from '../../examples/shared/relaunch.js';
import { runByNpm, stopOnSignals, type StopRequest } from '../../examples/shared/stop-signals.js';

describe('stopOnSignals', () => {
  let stop: StopRequest | undefined;
  afterEach(() => {
    stop?.release();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  const deliver = (signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP') => process.emit(signal, signal);

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    it(`${signal}: aborts with the signal as reason, says so once, exit code ${code}`, () => {
      const said: string[] = [];
      stop = stopOnSignals({ onStop: (s) => said.push(s) });
      expect(stop.exitCode()).toBe(0);
      deliver(signal);
      deliver(signal);
      expect(stop.signal.aborted).toBe(true);
      expect(stop.signal.reason).toBe(signal);
      expect(stop.cause()).toBe(signal);
      expect(stop.exitCode()).toBe(code);
      expect(said).toEqual([signal]);
    });
  }

  it('the same Ctrl-C arriving again within a second is one request; a Ctrl-C after that quits at once (130)', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    stop = stopOnSignals({ quitOnSecondInterrupt: true });
    deliver('SIGINT');
    vi.advanceTimersByTime(400);
    deliver('SIGINT'); // npm's or tsx's copy of the same Ctrl-C
    deliver('SIGTERM');
    expect(exit).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1000);
    deliver('SIGTERM'); // a repeated SIGTERM never quits without the checkpoint
    expect(exit).not.toHaveBeenCalled();
    deliver('SIGINT');
    expect(exit).toHaveBeenCalledWith(130);
  });

  it('without quitOnSecondInterrupt, later Ctrl-Cs change nothing (a worker waits for its checkpoint)', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    stop = stopOnSignals();
    deliver('SIGTERM');
    vi.advanceTimersByTime(5000);
    deliver('SIGINT');
    expect(exit).not.toHaveBeenCalled();
    expect(stop.exitCode()).toBe(143);
  });

  it('release removes every handler it added', () => {
    const before = ['SIGINT', 'SIGTERM', 'SIGHUP', 'disconnect'].map((e) => process.listenerCount(e));
    const s = stopOnSignals({ watchParent: true, watchParentPid: true });
    expect(process.listenerCount('SIGTERM')).toBe(before[1]! + 1);
    s.release();
    expect(['SIGINT', 'SIGTERM', 'SIGHUP', 'disconnect'].map((e) => process.listenerCount(e))).toEqual(before);
  });

  it('runByNpm: npm scripts and npx set npm_lifecycle_event', () => {
    expect(runByNpm({ npm_lifecycle_event: 'example' })).toBe(true);
    expect(runByNpm({})).toBe(false);
  });
});

describe('relaunching outside tsx\'s CLI', () => {
  const tsxCliChild = ['--require', '/repo/node_modules/tsx/dist/preflight.cjs', '--import', 'file:///repo/node_modules/tsx/dist/loader.mjs'];

  it('recognises the child that tsx\'s CLI starts (its preflight), and nothing else', () => {
    expect(startedByTsxCli(tsxCliChild)).toBe(true);
    expect(startedByTsxCli(['-r', 'C:\\repo\\node_modules\\tsx\\dist\\preflight.cjs'])).toBe(true);
    expect(startedByTsxCli(['--import', 'tsx'])).toBe(false);
    expect(startedByTsxCli(['--import', 'file:///repo/node_modules/tsx/dist/loader.mjs'])).toBe(false);
    expect(startedByTsxCli([])).toBe(false);
  });

  it('drops tsx\'s hooks and keeps the user\'s Node flags', () => {
    expect(nodeFlagsWithoutTsxCli([...tsxCliChild, '--max-old-space-size=8192', '--inspect'])).toEqual(['--max-old-space-size=8192', '--inspect']);
    expect(nodeFlagsWithoutTsxCli(['--require', '/r/node_modules/tsx/dist/patch-repl.cjs', '--loader=file:///r/node_modules/tsx/dist/loader.mjs', '--require', './mine.cjs'])).toEqual(['--require', './mine.cjs']);
  });

  it('this test process was not started by tsx\'s CLI', () => {
    expect(startedByTsxCli()).toBe(false);
  });
});
