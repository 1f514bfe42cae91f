#!/usr/bin/env node
// Runs the built CLI (out/ is produced by `npm run build`, which `prepare` runs after `npm ci`).
'use strict';
const path = require('path');
let cli;
try {
  cli = require(path.join(__dirname, '..', 'out', 'server', 'src', 'cli', 'main.js'));
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes('cli')) {
    process.stderr.write('hotplug-race: not built yet; run `npm run build` in ' + path.join(__dirname, '..') + '\n');
    process.exit(2);
  }
  throw err;
}
cli.main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write('hotplug-race: ' + String(err) + '\n'); process.exitCode = 2; },
);
