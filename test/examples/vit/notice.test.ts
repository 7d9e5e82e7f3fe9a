/**
 * What the quick comparison (`npm run example`) says about itself: a smoke run (few epochs, one
 * seed, not evidence) and where the study and its full results are — never a number.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { smokeRunNotice } from '../../../examples/vit/notice.js';

describe('smokeRunNotice', () => {
  it('one seed: a smoke run, not evidence; points at the study README and the results folder to come', () => {
    const empty = mkdtempSync(join(tmpdir(), 'hs-notice-'));
    const text = smokeRunNotice({ epochs: 6, seeds: 1, resultsDir: join(empty, 'results') }).join('\n');
    expect(text).toContain('smoke run');
    expect(text).toContain('6 epochs');
    expect(text).toContain('one seed');
    expect(text).toContain('not evidence');
    expect(text).toContain('examples/vit/README.md');
    expect(text).toContain('examples/vit/results/ once the study is run');
    expect(text).not.toMatch(/\d+(\.\d+)?%/); // no invented numbers
  });

  it('once the study has been run, names its results file instead', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-notice-'));
    mkdirSync(join(dir, 'results'));
    writeFileSync(join(dir, 'results', 'study.json'), '{"trials":[]}');
    const text = smokeRunNotice({ epochs: 2, seeds: 1, resultsDir: join(dir, 'results') }).join('\n');
    expect(text).toContain('examples/vit/results/study.json');
    expect(text).not.toContain('once the study is run');
  });

  it('several seeds: no "one seed" claim, still not the study', () => {
    const empty = mkdtempSync(join(tmpdir(), 'hs-notice-'));
    const text = smokeRunNotice({ epochs: 6, seeds: 2, resultsDir: join(empty, 'results') }).join('\n');
    expect(text).toContain('2 seeds');
    expect(text).not.toContain('one seed');
    expect(text).toContain('examples/vit/README.md');
  });
});
