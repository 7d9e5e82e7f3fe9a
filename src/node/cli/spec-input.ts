import { HyperscheduleError } from '../../errors.js';

/** Characters of a bad inline spec (or of a path) quoted in an error; the rest is elided. */
const QUOTED_SPEC = 40;
const QUOTED_PATH = 256;

const shorten = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}...` : text);

/**
 * Reads the `<spec>` argument of the CLI: inline JSON (it starts with `{`) or the path of a JSON
 * file (a leading byte-order mark is skipped). Errors name the argument and what went wrong in
 * one line, quoting at most the first 40 characters of a bad inline spec (256 of a path).
 *
 * @example
 * ```ts
 * import { parseSpecArgument } from './spec-input.js';
 * import { readSpecFile } from './read-spec-file.js';
 * parseSpecArgument('{"type":"StepLR","base":0.1,"stepSize":30}', readSpecFile);
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
      text = readFile(argument).replace(/^\uFEFF/, '');
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : (error as Error).message;
      throw new HyperscheduleError('spec', shorten(argument, QUOTED_PATH), `inline JSON or the path of a readable JSON file (${reason})`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const path = shorten(argument, QUOTED_PATH);
    const where = inline ? 'inline JSON' : `JSON in ${path}`;
    throw new HyperscheduleError('spec', inline ? shorten(argument, QUOTED_SPEC) : `<${path}>`, `valid ${where} (${(error as Error).message.split('\n')[0]})`);
  }
}
