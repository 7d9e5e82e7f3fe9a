/**
 * `npm run bench -- --only bundle-size` (or `npx tsx bench/bundle-size.ts`): minified browser
 * bundle sizes of `import { cosine } from 'hyperschedule'` and of the whole core, tfjs and rxjs
 * external, against the 0.2 limits (25 KB and 120 KB). Writes bench/results/bundle-size.json.
 */
import { measureBundles } from './lib/bundle.js';
import { parseArgs, printTable, writeResult } from './lib/report.js';

const args = parseArgs();
const sizes = await measureBundles();
printTable('browser bundle (esbuild, minified, tfjs + rxjs external)', ['bundle', 'KB', 'limit KB', 'met'], sizes.map((s) => [
  s.name, (s.minifiedBytes / 1024).toFixed(1), (s.limitBytes / 1024).toFixed(0), s.minifiedBytes <= s.limitBytes ? 'yes' : 'NO',
]));
console.log(`wrote ${writeResult('bundle-size', args.quick, { bundles: sizes })}`);
if (sizes.some((s) => s.minifiedBytes > s.limitBytes)) process.exit(1);
