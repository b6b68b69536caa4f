#!/usr/bin/env node
// The jit CLI: the bundled build, so `npx jit` needs no compile step after `npm ci`.
import '../dist/cli/bin.js';
