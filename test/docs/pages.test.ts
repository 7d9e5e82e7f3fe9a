/**
 * The README is a landing page (issue 9): short, the Quick start commands unchanged, every
 * reference page linked; every relative link in the docs points at a file (and heading) that
 * exists; generated sections match what scripts/docs-tables.ts renders from committed results.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { docFiles, renderSections, sectionNames } from '../../scripts/docs-tables.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

function anchors(markdown: string): Set<string> {
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...withoutCode.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1]!)));
}

/** Relative Markdown links outside code blocks: `[text](path#anchor)`. */
function relativeLinks(markdown: string): string[] {
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z]+:/i.test(t));
}

describe('README.md', () => {
  const readme = read('README.md');

  it('is a landing page of at most 250 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(250);
  });

  it('keeps both Quick start commands verbatim', () => {
    expect(readme).toContain('npm install && npm run example');
    expect(readme).toContain('npm install && npm test');
  });

  it('links every reference page, the study and the benchmarks', () => {
    for (const page of ['schedules', 'pytorch', 'params-and-signals', 'checkpoints', 'optimizers', 'beyond-lr', 'backends', 'cli']) {
      expect(readme).toContain(`](docs/${page}.md)`);
    }
    expect(readme).toContain('](examples/vit/README.md)');
    expect(readme).toContain('](bench/README.md)');
  });
});

describe('links in the docs', () => {
  for (const file of docFiles()) {
    it(`${file}: every relative link resolves`, () => {
      const broken: string[] = [];
      for (const link of relativeLinks(read(file))) {
        const [path, anchor] = link.split('#') as [string, string | undefined];
        const target = path === '' ? file : normalize(join(dirname(file), path));
        if (!existsSync(join(ROOT, target))) broken.push(`${link} (no file ${target})`);
        else if (anchor !== undefined && target.endsWith('.md') && !anchors(read(target)).has(anchor)) broken.push(`${link} (no heading #${anchor} in ${target})`);
      }
      expect(broken).toEqual([]);
    });
  }

  it('slugs headings as GitHub does', () => {
    expect(slug('AdamW in `model.fit`')).toBe('adamw-in-modelfit');
    expect(slug('tf.train optimizers')).toBe('tftrain-optimizers');
    expect(slug('The `hyperschedule` CLI')).toBe('the-hyperschedule-cli');
  });
});

describe('generated sections', () => {
  it('are what scripts/docs-tables.ts renders now (run `npx tsx scripts/docs-tables.ts` to refresh)', async () => {
    const names = docFiles().flatMap((file) => sectionNames(read(file)));
    expect(names).toEqual(expect.arrayContaining(['bench-summary', 'bench-bundle-size', 'vit-variants', 'cli-transcript']));
    for (const file of docFiles()) {
      const text = read(file);
      expect(await renderSections(text, file), `${file} is stale`).toBe(text);
    }
  });
});
