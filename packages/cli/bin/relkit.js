#!/usr/bin/env node
// `npx relkit` inside a relkit checkout: runs the committed bundle, the same code actions ship.
import '../../../dist/cli/index.js';
