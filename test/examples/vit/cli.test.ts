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
    for (const args of [['--epochs', '0'], ['--variants', 'constant,nope'], ['--peak-lr', 'x'], ['--stepping', 'batch']]) {
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
