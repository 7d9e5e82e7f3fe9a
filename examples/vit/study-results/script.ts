/**
 * The command-line entry of the study-results scripts: run `main` when the file is the script
 * Node started (not when a test imports it), print a thrown error as one line, exit 1.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runs `main(argv)` if `moduleUrl` (the caller's `import.meta.url`) is the script Node started.
 *
 * @example
 * ```ts
 * import { runAsScript } from './script.js';
 * // await runAsScript(import.meta.url, async (argv) => (argv.includes('--check') ? 1 : 0));
 * ```
 */
export async function runAsScript(moduleUrl: string, main: (argv: readonly string[]) => Promise<number>): Promise<void> {
  if (!process.argv[1] || fileURLToPath(moduleUrl) !== resolve(process.argv[1])) return;
  try {
    process.exitCode = await main(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
