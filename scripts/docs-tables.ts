/**
 * Regenerates the generated sections of the docs from committed results and from the code itself,
 * so no number in a README or doc is typed by hand:
 *
 *   <!-- generated:NAME -->
 *   ...replaced by the NAME renderer below...
 *   <!-- /generated:NAME -->
 *
 *   npx tsx scripts/docs-tables.ts           # rewrite every stale section
 *   npx tsx scripts/docs-tables.ts --check   # exit 1 when a section is stale (test/docs does this)
 *
 * Renderers: `bench-summary` (bench/results/summary.json), `bench-bundle-size`
 * (bench/results/bundle-size.json), `vit-variants` (examples/vit/variants.ts),
 * `cli-transcript` (the CLI run in-process) and every `study-*` section
 * (examples/vit/results/study.json, rendered by examples/vit/study-results/sections.ts; `npm run
 * study:report` regenerates those and the study's figures).
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Markdown files that may hold generated sections. */
export function docFiles(root = ROOT): string[] {
  const docs = existsSync(join(root, 'docs')) ? readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`) : [];
  return ['README.md', ...docs, 'examples/vit/README.md', 'bench/README.md'].filter((f) => existsSync(join(root, f)));
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
}

/** Pipes and line breaks would break a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

interface Machine {
  cpu: string;
  cores: number;
  node: string;
  loadAverage: number[];
  commit: string;
  date: string;
}

function machineLine(m: Machine, source: string): string {
  return `Measured at commit \`${m.commit}\` on ${m.date.slice(0, 10)}: ${m.cpu}, ${m.cores} cores, Node ${m.node.replace(/^v/, '')}, load average ${m.loadAverage.join(' / ')} (from \`${source}\`).`;
}

function benchSummary(): string {
  const summary = readJson('bench/results/summary.json') as {
    machine: Machine;
    rows: { benchmark: string; measure: string; value: string; target: string; met: boolean | null }[];
  };
  const met = (m: boolean | null) => (m === true ? 'yes' : m === false ? '**no**' : '—');
  return [
    machineLine(summary.machine, 'bench/results/summary.json'),
    '',
    table(['benchmark', 'measure', 'result', 'target', 'met'], summary.rows.map((r) => [r.benchmark, r.measure, r.value, r.target, met(r.met)])),
  ].join('\n');
}

function benchBundleSize(): string {
  const result = readJson('bench/results/bundle-size.json') as {
    machine: Machine;
    command: string;
    bundles: { name: string; imports: string; minifiedBytes: number; limitBytes: number }[];
  };
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  return [
    `${machineLine(result.machine, 'bench/results/bundle-size.json')} Reproduce: \`${result.command}\`.`,
    '',
    table(
      ['bundle', 'source', 'minified', 'limit', 'within'],
      result.bundles.map((b) => [b.name, `\`${b.imports}\``, kb(b.minifiedBytes), kb(b.limitBytes), b.minifiedBytes <= b.limitBytes ? 'yes' : '**no**']),
    ),
  ].join('\n');
}

// Renderers import what they render lazily, so reading docFiles() costs nothing.
async function vitVariants(): Promise<string> {
  const { DEFAULT_VARIANTS, VARIANTS } = await import('../examples/vit/variants.js');
  return table(
    ['variant', 'label', 'what moves', 'default'],
    Object.values(VARIANTS).map((v) => [`\`${v.name}\``, v.label, v.description, DEFAULT_VARIANTS.includes(v.name) ? 'yes' : '`--variants all`']),
  );
}

/** Quotes an argument for a POSIX shell when it needs it. */
function shellQuote(arg: string): string {
  return /^[\w./=-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

async function cliTranscript(): Promise<string> {
  const { runCli } = await import('hyperschedule/node');
  const commands = [
    ['values', '{"type":"OneCycleLR","maxLr":0.01,"totalSteps":100}', '--steps', '100', '--every', '25'],
    ['plot', '{"type":"CyclicLR","baseLr":0.001,"maxLr":0.006,"stepSizeUp":10,"cycleMomentum":false}', '--steps', '60', '--height', '4'],
    ['values', '{"type":"cosine","init":0.1,"duration":"1dur"}', '--steps', '0'],
  ];
  const lines: string[] = [];
  for (const argv of commands) {
    let text = '';
    const io = { stdout: (s: string) => void (text += s), stderr: (s: string) => void (text += s), readFile: () => '', columns: 80 };
    const code = await runCli(argv, io);
    lines.push(`$ npx hyperschedule ${argv.map(shellQuote).join(' ')}`, ...text.trimEnd().split('\n'));
    if (code !== 0) lines.push(`(exit code ${code})`);
  }
  return ['```console', ...lines, '```'].join('\n');
}

/** Every generated section, by name. */
export const RENDERERS: Readonly<Record<string, () => string | Promise<string>>> = {
  'bench-summary': benchSummary,
  'bench-bundle-size': benchBundleSize,
  'vit-variants': vitVariants,
  'cli-transcript': cliTranscript,
};

/** The renderer of a section: one of {@link RENDERERS}, or the study's for a `study-*` name. */
function rendererFor(name: string): (() => string | Promise<string>) | undefined {
  if (RENDERERS[name]) return RENDERERS[name];
  if (!name.startsWith('study-')) return undefined;
  return async () => (await import('../examples/vit/study-results/sections.js')).renderStudySection(name);
}

const SECTION = /<!-- generated:([\w-]+) -->\n[\s\S]*?<!-- \/generated:\1 -->/g;

/** The names of the generated sections in a Markdown text, in order. */
export function sectionNames(markdown: string): string[] {
  return [...markdown.matchAll(SECTION)].map((m) => m[1]!);
}

/**
 * The Markdown with every generated section rendered afresh (only those `only` accepts, when
 * given; the others are left as they are). Unknown names throw.
 */
export async function renderSections(markdown: string, file: string, only?: (name: string) => boolean): Promise<string> {
  const rendered = new Map<string, string>();
  for (const name of sectionNames(markdown)) {
    if (only && !only(name)) continue;
    const render = rendererFor(name);
    if (!render) throw new Error(`${file}: unknown generated section "${name}" (known: ${Object.keys(RENDERERS).join(', ')}, study-*)`);
    rendered.set(name, (await render()).trimEnd());
  }
  return markdown.replace(SECTION, (whole: string, name: string) => (rendered.has(name) ? `<!-- generated:${name} -->\n${rendered.get(name)}\n<!-- /generated:${name} -->` : whole));
}

/** Files whose generated sections differ from a fresh rendering. */
export async function staleFiles(root = ROOT): Promise<string[]> {
  const stale: string[] = [];
  for (const file of docFiles(root)) {
    const text = readFileSync(join(root, file), 'utf8');
    if ((await renderSections(text, file)) !== text) stale.push(file);
  }
  return stale;
}

async function main(argv: readonly string[]): Promise<number> {
  const check = argv.includes('--check');
  const stale = await staleFiles();
  if (check) {
    for (const file of stale) console.error(`${file}: generated sections are stale; run npx tsx scripts/docs-tables.ts`);
    return stale.length ? 1 : 0;
  }
  for (const file of stale) {
    const path = join(ROOT, file);
    writeFileSync(path, await renderSections(readFileSync(path, 'utf8'), file));
    console.log(`updated ${file}`);
  }
  if (!stale.length) console.log('docs are up to date');
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = await main(process.argv.slice(2));
