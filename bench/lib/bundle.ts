/**
 * Browser bundle sizes of the core, measured the way a user's bundler sees them: esbuild bundles
 * an entry that imports from src/index.ts, minified, for the browser, with tfjs and rxjs external
 * (a tfjs app ships those anyway).
 */
import { build } from 'esbuild';
import { join } from 'node:path';
import { ROOT } from './report.js';

/** One measured bundle. */
export interface BundleSize {
  readonly name: string;
  /** What the entry imports. */
  readonly imports: string;
  readonly minifiedBytes: number;
  readonly limitBytes: number;
}

/** The bundles the 0.2 issue sets limits on. */
export const BUNDLES = [
  { name: 'cosine only', imports: "import { cosine } from 'hyperschedule'; console.log(cosine);", limitBytes: 25 * 1024 },
  { name: 'whole core', imports: "import * as hs from 'hyperschedule'; console.log(hs);", limitBytes: 120 * 1024 },
] as const;

/**
 * Bundles each entry with esbuild and returns the minified sizes.
 *
 * @example
 * ```ts
 * import { measureBundles } from './bundle.js';
 * (await measureBundles())[0].minifiedBytes; // e.g. 9000
 * ```
 */
export async function measureBundles(): Promise<BundleSize[]> {
  const sizes: BundleSize[] = [];
  for (const bundle of BUNDLES) {
    const result = await build({
      stdin: { contents: bundle.imports, resolveDir: ROOT, loader: 'ts' },
      alias: { hyperschedule: join(ROOT, 'src/index.ts') },
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      external: ['@tensorflow/*', 'rxjs', 'rxjs/*'],
      logLevel: 'silent',
    });
    const bytes = result.outputFiles.reduce((sum, f) => sum + f.contents.byteLength, 0);
    sizes.push({ name: bundle.name, imports: bundle.imports, minifiedBytes: bytes, limitBytes: bundle.limitBytes });
  }
  return sizes;
}
