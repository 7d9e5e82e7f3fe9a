import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromJSON, fromTorch } from '../../../src/index.js';
import { CLI_LIMITS } from '../../../src/node/cli/limits.js';
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
    ['bad --steps', ['plot', '{"type":"constant","value":1}', '--steps', '0'], /^hyperschedule: option '--steps <n>' argument '0' is invalid\. expected a decimal integer in \[1, 1000000000\] \(e\.g\. 5000 or 5e3\)$/],
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

describe('numeric options: decimal integers only, each error naming its option', () => {
  const spec = '{"type":"constant","value":1}';
  const refused: [string, string, string[]][] = [
    ['--steps', '0x10', []],
    ['--steps', '1_000', []],
    ['--steps', ' 5', []],
    ['--steps', '5 ', []],
    ['--steps', '5abc', []],
    ['--steps', '', []],
    ['--steps', '1.5', []],
    ['--steps', '-3', []],
    ['--steps', '+5', []],
    ['--steps', 'Infinity', []],
    ['--steps', '1e400', []],
    ['--every', '0x2', []],
    ['--steps-per-epoch', '0b11', []],
    ['--samples-per-epoch', '0o7', ['--steps-per-epoch', '1']],
  ];
  for (const [option, text, extra] of refused) {
    it(`${option} ${JSON.stringify(text)} is refused`, async () => {
      const { code, stdout, stderr } = await cli(['values', spec, '--steps', '4', ...extra, option, text]);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).toContain(`hyperschedule: option '${option} <`);
      expect(stderr).toContain(`argument '${text}' is invalid. expected a decimal integer`);
    });
  }

  it('--width and --height of plot are read the same way', async () => {
    for (const option of ['--width', '--height']) {
      const { code, stderr } = await cli(['plot', spec, '--steps', '4', option, '0x10']);
      expect(code).toBe(1);
      expect(stderr).toMatch(new RegExp(`^hyperschedule: option '${option} <\\w>' argument '0x10' is invalid\\. expected a decimal integer in \\[`));
    }
  });

  it('accepts plain digits and exponent notation that names an integer', async () => {
    const { code, stdout } = await cli(['values', spec, '--steps', '1e3', '--every', '2.5e2', '--csv']);
    expect(code).toBe(0);
    expect(csv(stdout).rows.map((r) => r[0])).toEqual([0, 250, 500, 750, 999]);
  });
});

describe('bounded output: documented limits, visited points only', () => {
  const spec = '{"type":"linear","init":1,"end":0,"duration":"1dur"}';

  it('--steps above 1,000,000,000 is refused, naming the option and the limit', async () => {
    for (const argv of [['values', spec, '--steps', '1000000001'], ['values', spec, '--steps', '1e12', '--every', '1e11'], ['plot', spec, '--steps', '1e12']]) {
      const { code, stdout, stderr } = await cli(argv);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/^hyperschedule: option '--steps <n>' argument '[0-9e]+' is invalid\. expected a decimal integer in \[1, 1000000000\] \(e\.g\. 5000 or 5e3\)\n$/);
    }
  });

  it('more than 1,000,000 printed rows is refused, saying which --every fits', async () => {
    const { code, stdout, stderr } = await cli(['values', spec, '--steps', '1000001']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe('hyperschedule: --steps: got 1000001, expected at most 1000000 printed rows (--every 1 prints 1000001): use --every 2 or more\n');
    const every = await cli(['values', spec, '--steps', '1e9', '--every', '999']);
    expect(every.stderr).toBe('hyperschedule: --steps: got 1000000000, expected at most 1000000 printed rows (--every 999 prints 1001002): use --every 1001 or more\n');
    expect((await cli(['values', spec, '--steps', '1e9', '--every', '1001', '--csv'])).code).toBe(0);
  });

  it('prints exactly 1,000,000 rows as an aligned table', async () => {
    const { code, stdout, stderr } = await cli(['values', spec, '--steps', '1000000']);
    expect([code, stderr]).toEqual([0, '']);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 1_000_000);
    expect(lines[0]).toBe('  step  value');
    expect(lines.at(-1)).toBe('999999  0.000001');
  });

  it('visits printed steps only: 1e9 steps with --every 1e8 takes milliseconds', async () => {
    const started = performance.now();
    const { code, stdout } = await cli(['values', spec, '--steps', '1e9', '--every', '1e8', '--csv']);
    const elapsed = performance.now() - started;
    expect(code).toBe(0);
    expect(csv(stdout).rows.map((r) => r[0])).toEqual([...Array.from({ length: 10 }, (_, i) => i * 1e8), 999_999_999]);
    expect(elapsed).toBeLessThan(1000);
  });

  it('plot evaluates only the points it draws: 1e9 steps in milliseconds', async () => {
    const started = performance.now();
    const { code, stdout } = await cli(['plot', spec, '--steps', '1e9', '--width', '40', '--height', '4']);
    expect(code).toBe(0);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(stdout.trimEnd().split('\n').at(-1)).toMatch(/step 0 +step 999999999$/);
  });

  it('--width above 1000 and --height above 200 are refused, naming the option and the limit', async () => {
    const wide = await cli(['plot', spec, '--steps', '10', '--width', '1001']);
    expect(wide.stderr).toBe("hyperschedule: option '--width <w>' argument '1001' is invalid. expected a decimal integer in [2, 1000] (e.g. 5000 or 5e3)\n");
    const tall = await cli(['plot', spec, '--steps', '10', '--height', '201']);
    expect(tall.stderr).toBe("hyperschedule: option '--height <h>' argument '201' is invalid. expected a decimal integer in [1, 200] (e.g. 5000 or 5e3)\n");
  });
});

describe('values that are not finite', () => {
  // PyTorch allows gamma > 1: lr = gamma^step overflows to Infinity at step 31.
  const growing = { type: 'ExponentialLR', base: 1, gamma: 1e10 };
  const firstInfinite = Array.from({ length: 40 }, (_, i) => i).find((i) => fromTorch(growing).lr.at(i) === Infinity)!;

  it('--json refuses Infinity instead of writing null, naming the column and the step', async () => {
    expect(firstInfinite).toBe(31);
    const { code, stdout, stderr } = await cli(['values', JSON.stringify(growing), '--steps', '40', '--json']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe('hyperschedule: --json: lr at step 31: got Infinity, expected a finite number (JSON has no Infinity or NaN; --csv and the table print them)\n');
  });

  it('--csv and the table print Infinity as the text Infinity', async () => {
    const { code, stdout } = await cli(['values', JSON.stringify(growing), '--steps', '40', '--every', '39', '--csv']);
    expect(code).toBe(0);
    expect(stdout).toBe('step,lr\n0,1\n39,Infinity\n');
  });

  it('plot refuses Infinity with one line naming the column and the step', async () => {
    const { code, stdout, stderr } = await cli(['plot', JSON.stringify(growing), '--steps', '40', '--width', '60']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe('hyperschedule: plot: lr at step 31: got Infinity, expected a finite number (`hyperschedule values` prints every value)\n');
  });
});

describe('the spec argument', () => {
  it('quotes at most a short prefix of a long invalid inline spec', async () => {
    const { code, stderr } = await cli(['values', `{"type":"constant","value":1,"pad":"${'x'.repeat(100_000)}"`, '--steps', '3']);
    expect(code).toBe(1);
    expect(stderr.length).toBeLessThan(300);
    expect(stderr).toMatch(/^hyperschedule: spec: got "\{\\"type\\":\\"constant\\",.{0,40}\.\.\.", expected valid inline JSON \(/);
  });

  it('reads a spec file that starts with a byte-order mark', async () => {
    const { code, stdout } = await cli(['values', 'bom.json', '--steps', '2', '--csv'], { 'bom.json': '\uFEFF{"type":"constant","value":3}' });
    expect(code).toBe(0);
    expect(stdout).toBe('step,value\n0,3\n1,3\n');
  });
});

describe('docs/cli.md', () => {
  it('states every limit the CLI enforces', () => {
    const page = readFileSync(new URL('../../../docs/cli.md', import.meta.url), 'utf8');
    const grouped = (n: number) => n.toLocaleString('en-US');
    expect(page).toContain(`| \`--steps\` | 1 to ${grouped(CLI_LIMITS.maxSteps)} |`);
    expect(page).toContain(`| rows printed by \`values\` | at most ${grouped(CLI_LIMITS.maxRows)} `);
    expect(page).toContain(`| \`plot --width\` | 2 to ${grouped(CLI_LIMITS.maxWidth)} points`);
    expect(page).toContain(`| \`plot --height\` | 1 to ${grouped(CLI_LIMITS.maxHeight)} rows |`);
    expect(page).toContain(`at most 1 MiB (${grouped(CLI_LIMITS.maxSpecBytes)} bytes)`);
  });
});

describe('usage errors quote a short prefix of a long argument', () => {
  for (const argv of [['values', '{"type":"constant","value":1}', '--steps', '3', `--foo=${'x'.repeat(5000)}`], ['values', '{"type":"constant","value":1}', '--steps', '1'.repeat(5000)]]) {
    it(argv.at(-1)!.slice(0, 8), async () => {
      const { code, stderr } = await cli(argv);
      expect(code).toBe(1);
      expect(stderr.length).toBeLessThan(200);
      expect(stderr).toMatch(/^hyperschedule: .*'(--foo=x+|1+)\.\.\.'/);
    });
  }
});
