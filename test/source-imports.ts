/**
 * Reading a source tree's imports, for the tests that check layering (test/architecture.test.ts)
 * and that examples use the package name (test/examples/imports.test.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every `.ts` file under `dir`, recursively. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports (static, type-only and dynamic). */
export function importSpecifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/^\s*\*.*$/gm, ''); // doc comments show imports too
  return [
    ...[...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1] as string),
    ...[...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] as string),
  ];
}
