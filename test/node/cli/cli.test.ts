import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromJSON, fromTorch } from '../../../src/index.js';
import { runCli, type CliIO } from '../../../src/node/cli/run.js';

/** Runs the CLI in-process with an in-memory file system. */
async function cli(argv: string[], files: Record<string, string> = {}, columns?: number) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    },
    ...(columns ? { columns } : {}),
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** Parses CSV output into its header and numeric rows. */
function csv(text: string): { header: string[]; rows: number[][] } {
  const [header, ...rows] = text.trimEnd().split('\n');
  return { header: header!.split(','), rows: rows.map((r) => r.split(',').map(Number)) };
}

const oneCycle = { type: 'OneCycleLR', maxLr: 0.01, totalSteps: 50, beta1: 0.9 };

describe('hyperschedule values', () => {
  it('prints lr and momentum of a PyTorch spec, exactly as fromTorch computes them', async () => {
    const { code, stdout, stderr } = await cli(['values', JSON.stringify(oneCycle), '--steps', '50', '--csv']);
    expect([code, stderr]).toEqual([0, '']);
    const { header, rows } = csv(stdout);
    expect(header).toEqual(['step', 'lr', 'momentum']);
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const { lr, momentum } = fromTorch(oneCycle);
    for (const [step, l, m] of rows) {
      expect(l).toBe(lr.at(step!));
      expect(m).toBe(momentum!.at(step!));
    }
  });

  it('prints one value column for a hyperschedule spec read from a file, with time strings resolved against --steps', async () => {
    const spec = { type: 'cosine', init: 0.1, duration: '0.5dur', min: 0.001 };
    const { code, stdout } = await cli(['values', 'lr.json', '--steps', '200', '--json'], { 'lr.json': JSON.stringify(spec) });
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as { step: number; value: number }[];
    expect(rows).toHaveLength(200);
    const expected = fromJSON({ ...spec, duration: 100 });
    rows.forEach((row, i) => expect(row).toEqual({ step: i, value: expected.at(i) }));
    expect(rows[100]!.value).toBeCloseTo(0.001, 15);
  });

  it('converts steps into epochs with --steps-per-epoch, and steps a PyTorch scheduler per epoch with --per-epoch', async () => {
    const perEpoch = await cli(['values', '{"type":"stepDecay","unit":"epoch","init":1,"stepSize":1,"gamma":0.5}', '--steps', '10', '--steps-per-epoch', '4', '--csv']);
    expect(csv(perEpoch.stdout).rows.map((r) => r[1])).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25]);
    const torch = await cli(['values', '{"type":"ExponentialLR","base":1,"gamma":0.5}', '--steps', '6', '--steps-per-epoch', '3', '--per-epoch', '--csv']);
    expect(csv(torch.stdout).rows.map((r) => r[1])).toEqual([1, 1, 1, 0.5, 0.5, 0.5]);
    const missing = await cli(['values', '{"type":"constant","unit":"epoch","value":1}', '--steps', '3']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('hyperschedule: --steps-per-epoch: got undefined, expected a positive integer: the schedule counts epochs\n');
  });

  it('--every keeps every k-th step and the last; the default table is aligned', async () => {
    const { stdout } = await cli(['values', '{"type":"linear","init":1,"end":0,"duration":10}', '--steps', '11', '--every', '4']);
    expect(stdout).toBe([
      'step  value',
      '   0  1',
      '   4  0.6',
      '   8  0.2',
      '  10  0',
      '',
    ].join('\n'));
  });
});

describe('hyperschedule plot', () => {
  it('draws one chart per column with the value range on the axis', async () => {
    const { code, stdout } = await cli(['plot', JSON.stringify(oneCycle), '--steps', '50', '--width', '40', '--height', '6']);
    expect(code).toBe(0);
    const [lrChart, momentumChart] = stdout.trimEnd().split('\n\n');
    const lrLines = lrChart!.split('\n');
    expect(lrLines[0]).toBe('lr');
    expect(lrLines).toHaveLength(1 + 7 + 1); // title, height + 1 rows, step axis
    expect(lrLines[1]!.trim().startsWith('0.01000')).toBe(true); // the peak, max_lr
    expect(lrLines[7]!.trim().startsWith('4.000e-8')).toBe(true); // the final max_lr / 25 / 1e4
    expect(lrLines[8]).toMatch(/step 0 +step 49$/);
    expect(Math.max(...lrLines.map((l) => l.length))).toBeLessThanOrEqual(12 + 40);
    expect(momentumChart!.split('\n')[0]).toBe('momentum');
    expect(momentumChart).toContain('0.9500');
    expect(momentumChart).toContain('0.8500');
  });

  it('defaults its width to the terminal', async () => {
    const { stdout } = await cli(['plot', '{"type":"constant","value":2}', '--steps', '500'], {}, 60);
    expect(Math.max(...stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(60);
  });
});

describe('errors: one line on stderr, exit code 1, nothing on stdout', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown type', ['values', '{"type":"Foo"}', '--steps', '3'], /^hyperschedule: spec\.type: got "Foo", expected a hyperschedule schedule type \(.*\) or a PyTorch scheduler class \(StepLR, .*ChainedScheduler\)$/],
    ['bad PyTorch argument', ['values', '{"type":"ConstantLR","base":0.1,"factor":2}', '--steps', '3'], /^hyperschedule: ConstantLR\.factor: got 2, expected a number in \[0, 1\]/],
    ['missing file', ['values', 'nope.json', '--steps', '3'], /^hyperschedule: spec: got "nope.json", expected inline JSON or the path of a readable JSON file \(no such file\)$/],
    ['invalid JSON', ['values', '{"type":', '--steps', '3'], /^hyperschedule: spec: got .*, expected valid inline JSON \(/],
    ['missing --steps', ['values', '{"type":"constant","value":1}'], /^hyperschedule: required option '--steps <n>' not specified$/],
    ['bad --steps', ['plot', '{"type":"constant","value":1}', '--steps', '0'], /^hyperschedule: option '--steps <n>' argument '0' is invalid\. expected an integer >= 1\.$/],
    ['--csv with --json', ['values', '{"type":"constant","value":1}', '--steps', '2', '--csv', '--json'], /^hyperschedule: option '--csv' cannot be used with option '--json'$/],
    ['unknown command', ['valuez'], /^hyperschedule: unknown command 'valuez' \(Did you mean values\?\)$/],
    ['--per-epoch on a hyperschedule spec', ['values', '{"type":"constant","value":1}', '--steps', '2', '--per-epoch'], /^hyperschedule: --per-epoch: got true, expected only with a PyTorch spec/],
  ];
  for (const [name, argv, pattern] of cases) {
    it(name, async () => {
      const { code, stdout, stderr } = await cli(argv);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr.endsWith('\n')).toBe(true);
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr.trimEnd()).toMatch(pattern);
    });
  }

  it('--help exits 0', async () => {
    const { code, stdout } = await cli(['values', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('--steps <n>');
  });
});

describe('the hyperschedule process', () => {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  const run = (args: string[]) => spawnSync('npx', ['tsx', 'src/node/cli.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

  it('exits 0 with the values on stdout, and 1 with one error line on stderr', () => {
    const ok = run(['values', '{"type":"StepLR","base":0.1,"stepSize":2,"gamma":0.5}', '--steps', '4', '--csv']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe('step,lr\n0,0.1\n1,0.1\n2,0.05\n3,0.05\n');
    const bad = run(['values', '{"type":"StepLR","base":0.1}', '--steps', '4']);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe('hyperschedule: StepLR.stepSize: got undefined, expected a finite integer >= 1 (or a time string such as "6ep")\n');
  });
});
