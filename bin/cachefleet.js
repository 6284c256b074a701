#!/usr/bin/env node
// The package's entry point: the compiled CLI lives in dist/ (built by `npm run build`).
import '../dist/src/cli/main.js';
