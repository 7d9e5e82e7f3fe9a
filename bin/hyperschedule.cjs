#!/usr/bin/env node
// Thin launcher so `npx hyperschedule` works from the built package.
require('../dist/cli.cjs');
