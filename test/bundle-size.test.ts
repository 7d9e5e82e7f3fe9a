/**
 * The core stays browser-sized: `import { cosine }` and the whole root entry bundle (esbuild,
 * minified, tfjs and rxjs external) within the 0.2 limits. `npm run bench -- --only bundle-size`
 * records the same numbers in bench/results/bundle-size.json.
 */
import { describe, expect, it } from 'vitest';
import { measureBundles } from '../bench/lib/bundle.js';

describe('browser bundle size', () => {
  it('import { cosine } <= 25 KB and the whole core <= 120 KB, minified', async () => {
    const sizes = await measureBundles();
    expect(sizes.filter((s) => s.minifiedBytes > s.limitBytes).map((s) => `${s.name}: ${(s.minifiedBytes / 1024).toFixed(1)} KB > ${s.limitBytes / 1024} KB`)).toEqual([]);
  });
});
