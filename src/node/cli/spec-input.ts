import { HyperscheduleError } from '../../errors.js';

/**
 * Reads the `<spec>` argument of the CLI: inline JSON (it starts with `{`) or the path of a JSON
 * file. Errors name the argument and what went wrong in one line.
 *
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { parseSpecArgument } from './spec-input.js';
 * parseSpecArgument('{"type":"StepLR","base":0.1,"stepSize":30}', (p) => readFileSync(p, 'utf8'));
 * // { type: 'StepLR', base: 0.1, stepSize: 30 }
 * ```
 */
export function parseSpecArgument(argument: string, readFile: (path: string) => string): unknown {
  const inline = argument.trimStart().startsWith('{');
  let text: string;
  if (inline) {
    text = argument;
  } else {
    try {
      text = readFile(argument);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : (error as Error).message;
      throw new HyperscheduleError('spec', argument, `inline JSON or the path of a readable JSON file (${reason})`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const where = inline ? 'inline JSON' : `JSON in ${argument}`;
    throw new HyperscheduleError('spec', inline ? argument : `<${argument}>`, `valid ${where} (${(error as Error).message})`);
  }
}
