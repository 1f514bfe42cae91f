// `npm test`: every suite, in order. Node 20's test runner does not expand globs, so the files are listed here.
// Suites: unit + LSP protocol (node:test), then the extension-host suite and the UI tests in a real VS Code.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2); // e.g. `npm test -- unit` runs one suite

function testFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.test.js')) out.push(p);
    }
  };
  walk(join(root, dir));
  return out;
}

function run(title, cmd, args) {
  if (only.length && !only.includes(title)) return true;
  console.log(`\n=== ${title}: ${cmd} ${args.length > 6 ? args.slice(0, 3).join(' ') + ' …' : args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  const ok = r.status === 0;
  console.log(`=== ${title}: ${ok ? 'passed' : `FAILED (exit ${r.status ?? r.signal})`}`);
  return ok;
}

const results = [];
results.push(['build', run('build', 'npx', ['tsc', '-p', '.']) && run('build', process.execPath, ['scripts/build-native.mjs'])]);
if (!results[0][1]) process.exit(1);
const nodeTests = [...testFiles('out/test/unit'), ...testFiles('out/test/lsp')];
if (nodeTests.length === 0) { console.error('no test files found under out/test'); process.exit(1); }
if (!only.length || only.includes('unit')) results.push(['unit', run('unit', process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=2', ...nodeTests])]);
if (!only.length || only.includes('vscode')) results.push(['vscode', run('vscode', 'npm', ['run', '--silent', 'test:vscode'])]);
if (!only.length || only.includes('ui')) results.push(['ui', run('ui', 'npm', ['run', '--silent', 'test:ui'])]);

const failed = results.filter(([, ok]) => !ok).map(([t]) => t);
console.log(`\nsuites: ${results.map(([t, ok]) => `${t} ${ok ? 'ok' : 'FAILED'}`).join(', ')}`);
process.exit(failed.length ? 1 : 0);
