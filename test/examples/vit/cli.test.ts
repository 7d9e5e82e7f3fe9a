/**
 * The study's command line (`npm run example -- ...`) in-process: bad options are refused in one
 * line, and `sweep --dry-run` counts the reference study's search space without training.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../examples/vit/cli.js';

describe('the command line', () => {
  const capture = () => {
    const lines: string[] = [];
    const errors: string[] = [];
    return { io: { log: (l: string) => lines.push(l), error: (l: string) => errors.push(l), tty: false }, lines, errors };
  };

  it('rejects bad options with one line and exit code 1', async () => {
    for (const args of [['--epochs', '0'], ['--variants', 'constant,nope'], ['--peak-lr', 'x'], ['--stepping', 'batch'], ['--trial-timeout', '0'], ['sweep', '--trial-timeout', 'soon'], ['sweep', '--trial-timeout', '1e9'], ['--epochs', '0x10'], ['--data-seed', ''], ['--workers', ' 2'], ['--trial-timeout', '0x10']]) {
      const c = capture();
      expect(await runCli(args, c.io), args.join(' ')).toBe(1);
      expect(c.errors.join('\n')).toMatch(/invalid|unknown|expected/);
    }
  });

  it('sweep --dry-run: the study\'s search space is 6 schedulers x 10 LRs + 9 warm-restarts periods, per seed', async () => {
    const c = capture();
    expect(await runCli(['sweep', '--dry-run', '--seeds', '3'], c.io)).toBe(0);
    expect(c.lines.join('\n')).toContain(`${(6 * 10 + 9) * 3} trials (3 seed(s) per point), reference ViT, 100 epochs, batch 512`);
  });
});

describe('a failed run\'s line', () => {
  it('shows its error, not the last line of its stderr', async () => {
    const { finishedLine } = await import('../../../examples/vit/study.js');
    const error = 'exited with code 1:\nHyperscheduleError: run.peakLr: got -1, expected a number > 0\n    at main (trial.ts:40:3)\n\nNode.js v20.20.2';
    const record = {
      id: 'a', params: { variant: 'constant', peakLr: 0.01, seed: 0 }, status: 'failed' as const, error,
      summary: 'HyperscheduleError: run.peakLr: got -1, expected a number > 0',
      exitCode: 1, signal: null, attempt: 1, startedAt: '', finishedAt: '', durationMs: 0, log: '',
    };
    expect(finishedLine(record)).toBe('✗ constant @ 0.010 s0: failed — HyperscheduleError: run.peakLr: got -1, expected a number > 0');
    // A record written before summaries existed: the first line of its error (how it ended).
    const { summary: _, ...old } = record;
    expect(finishedLine(old)).toBe('✗ constant @ 0.010 s0: failed — exited with code 1:');
  });
});
