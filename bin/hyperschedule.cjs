#!/usr/bin/env node
// Thin launcher so `npx hyperschedule` works from the built package.
let entry;
try {
  entry = require.resolve('../dist/cli.cjs');
} catch {
  // A source checkout that was never built: say so in one line instead of a module-not-found trace.
  process.stderr.write('hyperschedule: dist/cli.cjs is missing; run `npm run build` first\n');
  process.exit(1);
}
require(entry);
