import { describe, expect, it } from 'vitest';
import { matchVariableNames, nameStem, type NameMatch } from '../src/variable-names.js';

const entries = (names: string[], shape?: number[]) => names.map((name) => ({ name, ...(shape ? { shape } : {}) }));

function mapping(m: NameMatch): Record<string, string> {
  if (!m.ok) throw new Error(`refused: ${m.reason}`);
  return Object.fromEntries(m.mapping);
}

describe('nameStem', () => {
  it('strips the numeric suffix of every segment, and nothing else', () => {
    expect(nameStem('dense_Dense4/kernel')).toBe('dense_Dense/kernel');
    expect(nameStem('dense_Dense1/kernel_1')).toBe('dense_Dense/kernel');
    expect(nameStem('dense_Dense12_3/bias')).toBe('dense_Dense/bias');
    expect(nameStem('conv2d_Conv2D3/kernel')).toBe('conv2d_Conv2D/kernel');
    expect(nameStem('17')).toBe(''); // tf.variable's automatic names
    expect(nameStem('ckpt1_w')).toBe('ckpt1_w'); // a number inside a segment is part of it
  });

  it('is linear on a long run of digits (no backtracking)', () => {
    const name = `a${'1'.repeat(200_000)}x/${'9'.repeat(200_000)}`;
    const t0 = performance.now();
    expect(nameStem(name)).toBe(`a${'1'.repeat(200_000)}x/`);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});

describe('matchVariableNames', () => {
  it('matches exactly when every live name was saved, whatever the saved order', () => {
    const m = matchVariableNames(entries(['b', 'a'], [2]), entries(['a', 'b'], [2]));
    expect(m.ok && m.how).toBe('exact');
    expect(mapping(m)).toEqual({ a: 'a', b: 'b' });
  });

  it('matches renumbered tfjs names by stem and creation order, across a swapped saved list', () => {
    const saved = [
      { name: 'dense_Dense2/kernel', shape: [4, 2] },
      { name: 'dense_Dense1/kernel', shape: [3, 4] },
      { name: 'dense_Dense1/bias', shape: [4] },
      { name: 'dense_Dense2/bias', shape: [2] },
    ];
    const live = [
      { name: 'dense_Dense9/kernel', shape: [3, 4] },
      { name: 'dense_Dense9/bias', shape: [4] },
      { name: 'dense_Dense10/kernel', shape: [4, 2] }, // 10 after 9: numbers compare as numbers
      { name: 'dense_Dense10/bias', shape: [2] },
    ];
    const m = matchVariableNames(saved, live);
    expect(m.ok && m.how).toBe('stem');
    expect(mapping(m)).toEqual({
      'dense_Dense1/kernel': 'dense_Dense9/kernel',
      'dense_Dense1/bias': 'dense_Dense9/bias',
      'dense_Dense2/kernel': 'dense_Dense10/kernel',
      'dense_Dense2/bias': 'dense_Dense10/bias',
    });
  });

  it('matches a reloaded model (`_1` suffixes) and overlapping renumbering by stem, not by the overlapping name', () => {
    expect(mapping(matchVariableNames(entries(['dense_Dense1/kernel', 'dense_Dense2/kernel'], [2]), entries(['dense_Dense1/kernel_1', 'dense_Dense2/kernel_1'], [2])))).toEqual({
      'dense_Dense1/kernel': 'dense_Dense1/kernel_1',
      'dense_Dense2/kernel': 'dense_Dense2/kernel_1',
    });
    // Saved 1, 2; live 2, 3: the saved layer 2 is the live layer 3, although a live "2" exists.
    expect(mapping(matchVariableNames(entries(['l1/w', 'l2/w'], [2]), entries(['l2/w', 'l3/w'], [2])))).toEqual({ 'l1/w': 'l2/w', 'l2/w': 'l3/w' });
  });

  it('refuses unrelated names, never loading across stems', () => {
    const m = matchVariableNames(entries(['old_w', 'old_b'], [2]), entries(['new_w', 'new_b'], [2]));
    expect(m.ok).toBe(false);
    expect(!m.ok && m.reason).toBe('1 named like "new_w" (as new_w), 0 saved');
    expect(matchVariableNames(entries(['a/kernel']), entries(['a/bias'])).ok).toBe(false);
  });

  it('refuses different shapes, counts and duplicates, naming the saved entry', () => {
    const shape = matchVariableNames([{ name: 'w', shape: [1] }], [{ name: 'w', shape: [8, 8] }]);
    expect(shape).toEqual({ ok: false, name: 'w', reason: 'shape [8, 8] of w, not [1]' });
    const stemShape = matchVariableNames([{ name: 'd1/k', shape: [2, 3] }, { name: 'd2/k', shape: [3, 2] }], [{ name: 'd3/k', shape: [3, 2] }, { name: 'd4/k', shape: [2, 3] }]);
    expect(stemShape.ok).toBe(false);
    expect(matchVariableNames(entries(['a', 'b']), entries(['a'])).ok).toBe(false);
    expect(matchVariableNames(entries(['a', 'a']), entries(['a', 'b']))).toMatchObject({ ok: false, name: 'a' });
    expect(matchVariableNames(entries(['d1/k', 'd2/k']), entries(['d3/k'])).ok).toBe(false);
  });

  it('refuses a renaming that splits a saved layer or merges two (structure check)', () => {
    // Layer 2 has no bias: sorted per stem, its kernel would go to layer 4 but layer 1's bias too.
    const saved = entries(['d1/kernel', 'd1/bias', 'd2/kernel']);
    const live = entries(['d3/kernel', 'd4/kernel', 'd4/bias']);
    const m = matchVariableNames(saved, live);
    expect(m.ok).toBe(false);
    expect(!m.ok && m.reason).toBe('one renaming of each saved prefix: "d1" would become "d3" and "d4"');
  });

  it('with allowUnmatchedSaved, leaves saved names without live counterparts alone', () => {
    expect(mapping(matchVariableNames(entries(['a', 'b']), entries(['a']), { allowUnmatchedSaved: true }))).toEqual({ a: 'a' });
    expect(mapping(matchVariableNames(entries(['k1/w', 'b1/w']), entries(['k2/w']), { allowUnmatchedSaved: true }))).toEqual({ 'k1/w': 'k2/w' });
    expect(matchVariableNames(entries(['k1/w']), entries(['q1/w']), { allowUnmatchedSaved: true }).ok).toBe(false);
  });
});
