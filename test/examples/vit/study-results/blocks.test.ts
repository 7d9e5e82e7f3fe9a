/**
 * The generated README sections and figure specs of the study, on a synthetic study whose numbers
 * are checkable by hand: cells as mean ± 95% half-width, twin differences paired by seed, the
 * three findings' verdicts, and no sentence claiming a difference its interval does not support.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  aboutBlock,
  accuracyText,
  beyondLrBlock,
  commandsBlock,
  constantFinding,
  decimal,
  differenceText,
  EMPTY_STUDY,
  findingsBlock,
  lrGridBlock,
  oneCycleFinding,
  sci,
  STUDY_BLOCKS,
  twinsBlock,
  warmupFinding,
} from '../../../../examples/vit/study-results/blocks.js';
import { studyFigures, trajectoryTrials } from '../../../../examples/vit/study-results/figures.js';
import type { StudyTrial } from '../../../../examples/vit/study-results/records.js';
import { isStudySection, ROOT, STUDY_README } from '../../../../examples/vit/study-results/sections.js';
import { renderSections, sectionNames } from '../../../../scripts/docs-tables.js';
import { syntheticStudy, trial } from './synthetic.js';

const study = syntheticStudy();

/** The synthetic study with some trials replaced. */
function withTrials(change: (t: StudyTrial) => StudyTrial): StudyTrial[] {
  return study.trials.map(change);
}

describe('formatting', () => {
  it('peak LRs, decays, accuracies and differences', () => {
    expect(sci(1e-4)).toBe('1e-4');
    expect(sci(0.031072325)).toBe('3.11e-2');
    expect(decimal(0.1734567)).toBe('0.173');
    expect(decimal(1e-4)).toBe('1e-4');
    expect(accuracyText({ n: 3, mean: 0.415, sd: 0.02, halfWidth: 0.0584, lo: 0.3566, hi: 0.4734 })).toBe('41.5 ± 5.8');
    expect(accuracyText({ n: 1, mean: 0.415, sd: null, halfWidth: null, lo: null, hi: null })).toBe('41.5');
    expect(differenceText({ n: 3, mean: 0.02, sd: 0.01, halfWidth: 0.016, lo: 0.004, hi: 0.036 })).toBe('+2.0 points [95% CI +0.4, +3.6], n = 3');
  });
});

describe('the LR grid table', () => {
  const block = lrGridBlock(study);
  const rows = block.split('\n').filter((l) => l.startsWith('| '));

  it('has a row per schedule and a column per peak LR', () => {
    expect(rows[0]).toBe('| schedule | peak LR 1e-4 | peak LR 1e-3 | peak LR 1e-2 |');
    expect(rows.slice(2).map((r) => r.split(' | ')[0])).toEqual(['| constant', '| constant + warmup', '| cosine + warmup', '| one-cycle (LR + beta1)', '| step decay']);
  });

  it('each cell is mean ± the 95% half-width in percent with n, the row\'s best in bold', () => {
    // constant: seeds at 40 - 1, 40, 40 + 1 points: sd 1 point, half-width 4.303 / sqrt(3) = 2.5.
    expect(rows[2]).toBe('| constant | 40.0 ± 2.5 (n=3) | **42.0 ± 2.5 (n=3)** | 10.0 ± 2.5 (n=3) |');
  });

  it('links both figures and says how the curves end', () => {
    expect(block).toContain('](results/accuracy-vs-lr.png)');
    expect(block).toContain('](results/curves.png)');
    expect(block).toContain('one-cycle (LR + beta1) at 1e-3: 49.0 → 50.0 (epoch 3 → 4)');
  });
});

describe('the beyond-LR table', () => {
  const block = beyondLrBlock(study);

  it('puts each variant above its twins at its peak LR, with updates', () => {
    expect(block).toContain('| **batch size instead of decay** | 1e-3 | 45.3 ± 3.8 (n=3) | 150 | — |');
    expect(block).toContain('| twin: cosine + warmup | 1e-3 | 45.0 ± 5.0 (n=3) | 400 | — |');
    expect(block).toContain('| twin: SGD, momentum 0.95 | 1e-1 |');
  });

  it('shows the mean effective weight decay where it differs within the group', () => {
    expect(block).toContain('| **scheduled weight decay** | 1e-3 | 47.3 ± 3.8 (n=3) | 400 | 0.2 |');
    expect(block).toContain('| twin: AdamW, decay = lambda / peak LR | 1e-3 | 47.3 ± 3.8 (n=3) | 400 | 0.5 |');
  });

  it('says "not run" for a twin without trials', () => {
    const noTwin = { ...study, trials: study.trials.filter((t) => t.variant !== 'adamw-matched-wd') };
    expect(beyondLrBlock(noTwin)).toContain('| twin: AdamW, decay = SWD\'s mean | 1e-3 | not run | — | — |');
  });
});

describe('the twin differences', () => {
  const block = twinsBlock(study);

  it('pairs by seed and gives each difference its interval and verdict', () => {
    // SGD adaptive vs momentum 0.5: +8 points on every seed, so a zero-width interval above 0.
    expect(block).toContain('| SGD, adaptive heavy-ball momentum | SGD, momentum 0.5 | 1e-1 | +8.0 | +8.0 to +8.0 | 3 | difference detected |');
    // Batch growth vs cosine + warmup: seeds scatter differently; the interval spans 0.
    expect(block).toMatch(/\| batch size instead of decay \| cosine \+ warmup \| 1e-3 \| \+0\.3 \| -[\d.]+ to \+[\d.]+ \| 3 \| no difference detected at this scale \|/);
  });
});

describe('the three findings', () => {
  it('are reproduced in the synthetic study, each with its numbers', () => {
    expect(warmupFinding(study.trials).verdict).toBe('reproduced');
    expect(oneCycleFinding(study.trials).verdict).toBe('reproduced');
    expect(constantFinding(study.trials).verdict).toBe('reproduced');
    expect(warmupFinding(study.trials).text).toContain('is 1e-2: constant at 1e-2 (10.0 ± 2.5%, n=3)');
    expect(warmupFinding(study.trials).text).toContain('did not stall;');
  });

  it('(1) counts a stall against the schedule\'s own best LR (halfway from chance), is not detected when constant never stalls, and is not reproduced when warmup stalls too', () => {
    // Half of the way from chance (10%) to constant's best mean: a stall well above chance still counts.
    const atThirty = withTrials((t) => (t.variant === 'constant' && t.peakLr === 1e-2 ? { ...t, testAcc: t.testAcc + 0.15 } : t));
    expect(warmupFinding(atThirty).verdict).toBe('reproduced');
    const trained = withTrials((t) => (t.variant === 'constant' && t.peakLr === 1e-2 ? { ...t, testAcc: t.testAcc + 0.35 } : t));
    expect(warmupFinding(trained)).toMatchObject({ verdict: 'not detected at this scale' });
    expect(warmupFinding(trained).text).toContain('did not stall at any peak LR tried');
    const same = withTrials((t) => (t.variant === 'constant-warmup' && t.peakLr === 1e-2 ? { ...t, testAcc: 0.1 + [0.02, -0.01, 0][t.seed]! } : t));
    expect(warmupFinding(same).verdict).toBe('not reproduced');
    expect(warmupFinding(same).text).toContain('stalled too');
  });

  it('(3) and the grid line use only the peak LRs where every schedule ran; a partial column is named', () => {
    const extra = [0, 1, 2].flatMap((seed) => [trial('constant', 1e-1, seed, 0.2), trial('constant-warmup', 1e-1, seed, 0.2 + 0.01 * seed)]);
    const trials = [...study.trials, ...extra];
    expect(constantFinding(trials).verdict).toBe(constantFinding(study.trials).verdict);
    expect(constantFinding(trials).text).toContain('Left out: 1e-1, where only some schedules ran.');
    expect(aboutBlock({ ...study, trials })).toContain('× peak LRs 1e-4, 1e-3 and 1e-2 ×');
    expect(aboutBlock({ ...study, trials })).toContain('; at 1e-1 only constant and constant + warmup.');
  });

  it('(2) is not reproduced when another schedule is detected better, not detected when intervals span 0', () => {
    const worse = withTrials((t) => (t.variant === 'one-cycle' ? { ...t, testAcc: t.testAcc - 0.2 } : t));
    expect(oneCycleFinding(worse).verdict).toBe('not reproduced');
    const close = withTrials((t) => (t.variant === 'one-cycle' && t.peakLr === 1e-3 ? { ...t, testAcc: 0.45 + [0.03, -0.02, 0][t.seed]! } : t));
    expect(oneCycleFinding(close).verdict).toBe('not detected at this scale');
  });

  it('(3) is not reproduced when constant is detected worse at the lowest LR', () => {
    const low = withTrials((t) => (t.variant === 'constant' && t.peakLr === 1e-4 ? { ...t, testAcc: t.testAcc - 0.1 } : t));
    expect(constantFinding(low).verdict).toBe('not reproduced');
  });

  it('are "not checked" without the trials they need', () => {
    expect(findingsBlock({ ...study, trials: [trial('step', 1e-3, 0, 0.4)] })).toContain('1. **Warmup keeps a high LR trainable where constant stalls: not checked.**');
  });

  it('state a difference only with an interval that excludes 0', () => {
    const texts = [study.trials, withTrials((t) => (t.variant === 'one-cycle' ? { ...t, testAcc: t.testAcc - 0.05 } : t))].map((ts) => findingsBlock({ ...study, trials: ts }));
    for (const text of texts) {
      const claims = [...text.matchAll(/\[95% CI ([+-][\d.]+), ([+-][\d.]+)\], n = \d+: (difference detected|no difference detected at this scale)/g)];
      expect(claims.length).toBeGreaterThan(5);
      for (const [, lo, hi, verdict] of claims) {
        const excludes0 = Number(lo) > 0 || Number(hi) < 0;
        expect(excludes0, `${lo}, ${hi}: ${verdict}`).toBe(verdict === 'difference detected');
      }
      expect(text).not.toMatch(/\b(better|worse|beats|higher|lower) than\b/);
    }
  });
});

describe('what ran and how to rerun it', () => {
  it('counts trials, settings and time from the records', () => {
    const text = aboutBlock(study);
    expect(text).toContain('**What ran**: 72 trials of 14 variants: the `tiny` ViT preset, 4 epochs at batch 64, schedulers stepped every update');
    expect(text).toContain('The LR grid: 5 schedules × peak LRs 1e-4, 1e-3 and 1e-2 × seeds 0, 1 and 2 (3 seeds per cell).');
    expect(text).toContain('**Backend**: wasm (@tensorflow/tfjs-backend-wasm, SIMD, one thread).');
    // 72 trials of 600 s: 12 h in total, 6 h with 2 workers.
    expect(text).toContain('12.0 h of training in total');
    expect(text).toContain('about 6.0 h from start to finish');
  });

  it('lists the sweeps\' commands and the regeneration steps', () => {
    const text = commandsBlock(study);
    expect(text).toContain('node --import tsx examples/main.ts sweep --seeds 3 --workers 2 --out runs/lr-grid\n');
    expect(text).toContain('npm run study:collect -- runs/lr-grid runs/beyond-lr\nnpm run study:report');
  });

  it('every block says how to produce the results while there are none', () => {
    for (const render of Object.values(STUDY_BLOCKS)) expect(render(EMPTY_STUDY)).toMatch(/study\.json/);
  });
});

describe('figures', () => {
  it('one spec per figure, in a fixed order', () => {
    expect(studyFigures(study).map((f) => f.file)).toEqual(['accuracy-vs-lr.png', 'curves.png', 'trajectories.png']);
    expect(studyFigures(EMPTY_STUDY)).toEqual([]);
  });

  it('trajectories: each variant at the LR most variants share (else its own), seed 0', () => {
    const chosen = trajectoryTrials(study.trials);
    expect(chosen.length).toBe(14);
    expect(chosen.every((t) => t.seed === 0)).toBe(true);
    expect(chosen.find((t) => t.variant === 'constant')!.peakLr).toBe(1e-3);
    expect(chosen.find((t) => t.variant === 'sgd-momentum-0.9')!.peakLr).toBe(0.1);
  });
});

describe('one way to render the sections', () => {
  it('scripts/docs-tables.ts renders every study-* section through the study\'s renderers', async () => {
    const md = '<!-- generated:study-findings -->\nold\n<!-- /generated:study-findings -->\n<!-- generated:study-nope -->\n<!-- /generated:study-nope -->\n';
    await expect(renderSections(md, 'x.md')).rejects.toThrow('unknown study section "study-nope"');
    const only = await renderSections(md.split('<!-- generated:study-nope')[0]!, 'x.md', isStudySection);
    expect(only).not.toContain('\nold\n');
  });

  it('examples/vit/README.md holds every study section once', () => {
    const names = sectionNames(readFileSync(`${ROOT}/${STUDY_README}`, 'utf8')).filter(isStudySection);
    expect(names).toEqual(Object.keys(STUDY_BLOCKS));
  });
});
