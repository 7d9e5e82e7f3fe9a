/**
 * The examples use hyperschedule as a user would: only through its package name
 * (`'hyperschedule'`, `'hyperschedule/node'`), never by a path into src/.
 */
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSpecifiers as specifiers, sourceFiles } from '../source-imports.js';
import { REPO_ROOT } from './helpers.js';

const EXAMPLES = join(REPO_ROOT, 'examples');
const SRC = join(REPO_ROOT, 'src');

describe('examples/', () => {
  const files = sourceFiles(EXAMPLES);

  it('import the library only as hyperschedule or hyperschedule/node', () => {
    expect(files.length).toBeGreaterThan(20);
    const offenders = files.flatMap((file) =>
      specifiers(file)
        .filter((s) => (s.startsWith('.') && !relative(SRC, resolve(dirname(file), s)).startsWith('..')) || (s.startsWith('hyperschedule/') && s !== 'hyperschedule/node'))
        .map((s) => `${relative(REPO_ROOT, file)} imports ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  it('some of them do use both entries (the check above sees real imports)', () => {
    const all = files.flatMap(specifiers);
    expect(all).toContain('hyperschedule');
    expect(all).toContain('hyperschedule/node');
  });
});
