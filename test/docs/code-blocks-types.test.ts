/**
 * The doc blocks that run (code-blocks.test.ts) also type-check under the project's strict
 * tsconfig, as a user pasting them into a TypeScript project would need: no casts, no misspelled
 * options that a looser check would let through.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { docFiles } from '../../scripts/docs-tables.js';
import { RUN_LANGS, docBlocks, writeModules } from './doc-blocks.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = fileURLToPath(new URL('./.generated/types/', import.meta.url));

/** Type errors of the doc modules, as `file:line: message` with the doc's file and line. */
function typeErrors(): string[] {
  const runnable = docBlocks(ROOT, docFiles()).filter((b) => RUN_LANGS.has(b.lang) && b.noRun === undefined);
  const paths = writeModules(OUT, runnable);
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram([...paths, join(OUT, 'doc-check.d.ts')], { ...options, noEmit: true });
  // Only the doc modules' own diagnostics: the library is checked by `npm run typecheck`.
  return paths.flatMap((path, i) => {
    const file = program.getSourceFile(path);
    if (!file) return [`${path}: not loaded`];
    const block = runnable[i]!;
    return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map((d) => {
      const line = d.start === undefined ? 0 : file.getLineAndCharacterOfPosition(d.start).line;
      return `${block.file}:${block.line + 1 + line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
  });
}

describe('doc code blocks', () => {
  it('type-check as a user would paste them into a strict TypeScript project', () => {
    const errors = typeErrors();
    expect(errors, errors.join('\n')).toEqual([]);
  });
});
