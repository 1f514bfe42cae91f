// `hotplug-race scan` end to end on real files: exit codes, each format, paths as given, --rules, samples.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cli, FIXTURES, REPO } from './helpers';

const TREE = path.join('test', 'fixtures', 'cli', 'tree');
const BAD = path.join(TREE, 'arch', 'hvm_up.c');
const GOOD = path.join(TREE, 'drivers', 'hvm_up_fixed.c');

test('text: one gcc-style line per finding, exit 1', () => {
  const r = cli(['scan', TREE]);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stdout);
  assert.match(lines[0], /^test\/fixtures\/cli\/tree\/arch\/hvm_up\.c:9:8: error: .*native_cpu_up.*xen_smp_intr_init.* \[HP001\]$/);
  assert.equal(r.stderr, '');
});

test('a clean file: no output, exit 0', () => {
  const r = cli(['scan', GOOD]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
});

test('json: the version 1 contract with 1-based positions and the file as given', () => {
  const r = cli(['scan', TREE, '--format', 'json']);
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.version, 1);
  assert.equal(report.findings.length, 1);
  const f = report.findings[0];
  assert.deepEqual(
    { file: f.file, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, code: f.code, severity: f.severity, function: f.function, cpu: f.cpu },
    { file: BAD, line: 9, column: 8, endLine: 9, endColumn: 32, code: 'HP001', severity: 'error', function: 'hvm_guest_cpu_up', cpu: 'cpu' },
  );
  assert.equal(typeof f.message, 'string');
  assert.deepEqual(f.related.map((x: { file: string; line: number; column: number }) => [x.file, x.line, x.column]), [[BAD, 10, 10]]);
  assert.equal(report.stats.files, 2);
  assert.ok(report.stats.functions >= 2);
  assert.equal(typeof report.stats.ms, 'number');
  // a tree this small is searched by ripgrep (or the JS matcher without it); the word index is for big trees
  assert.ok(['rg', 'js-main', 'js-workers'].includes(report.stats.search), report.stats.search);
});

test('json: an absolute directory gives absolute paths, a single file its own name', () => {
  const abs = JSON.parse(cli(['scan', path.join(REPO, TREE), '--format=json']).stdout);
  assert.equal(abs.findings[0].file, path.join(REPO, BAD));
  const one = JSON.parse(cli(['scan', `./${BAD}`, '--format', 'json']).stdout);
  assert.equal(one.findings[0].file, `./${BAD}`);
});

test('sarif: a 2.1.0 log whose result points at the finding', () => {
  const r = cli(['scan', TREE, '--format', 'sarif']);
  assert.equal(r.code, 1, r.stderr);
  const log = JSON.parse(r.stdout);
  assert.equal(log.version, '2.1.0');
  const run = log.runs[0];
  assert.equal(run.tool.driver.name, 'hotplug-race');
  assert.ok(run.tool.driver.rules.some((x: { id: string }) => x.id === 'HP001'));
  assert.equal(run.results.length, 1);
  assert.equal(run.results[0].ruleId, 'HP001');
  assert.equal(run.results[0].locations[0].physicalLocation.artifactLocation.uri, 'test/fixtures/cli/tree/arch/hvm_up.c');
  assert.deepEqual(run.results[0].locations[0].physicalLocation.region, { startLine: 9, startColumn: 8, endLine: 9, endColumn: 32 });
});

test('usage and I/O errors exit 2 with a message on stderr', () => {
  const missing = cli(['scan', 'no/such/dir']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no\/such\/dir: no such file or directory/);
  assert.equal(missing.stdout, '');
  const format = cli(['scan', TREE, '--format', 'xml']);
  assert.equal(format.code, 2);
  assert.match(format.stderr, /unknown format 'xml'/);
  const option = cli(['scan', '--bogus']);
  assert.equal(option.code, 2);
  assert.match(option.stderr, /--bogus/);
  const command = cli(['frobnicate']);
  assert.equal(command.code, 2);
  assert.match(command.stderr, /unknown command 'frobnicate'/);
});

test('--rules extends the knowledge base', () => {
  const file = path.join(FIXTURES, 'custom_up.c');
  assert.equal(cli(['scan', file]).code, 0);
  const r = cli(['scan', file, '--rules', path.join(FIXTURES, 'custom-rules.json'), '--format', 'json']);
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.deepEqual(report.findings.map((f: { code: string; line: number; function: string }) => [f.code, f.line, f.function]), [['HP001', 5, 'board_cpu_up']]);
});

test('--rules with a bad file: exit 2 and a positioned message', () => {
  const rules = path.join('test', 'fixtures', 'cli', 'bad-rules.json');
  const r = cli(['scan', TREE, '--rules', rules]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  // the value "ipi-sometimes" starts on line 4, column 43 (1-based)
  assert.match(r.stderr, /^test\/fixtures\/cli\/bad-rules\.json:4:43: error: .*ipi-sometimes.*$/m);
  const missing = cli(['scan', TREE, '--rules', 'no-such-rules.json']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no-such-rules\.json/);
});

test('no PATH scans the bundled samples, from any cwd', () => {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'hpr-cwd-'));
  const r = cli(['scan', '--format', 'json'], cwd);
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.ok(report.stats.files > 0);
  assert.ok(report.findings.length > 0);
  for (const f of report.findings) assert.ok(f.file.startsWith(path.join(REPO, 'samples') + path.sep), f.file);
});

test('binary, empty and broken files do not stop the scan', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hpr-odd-'));
  fs.writeFileSync(path.join(dir, 'blob.c'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3]));
  fs.writeFileSync(path.join(dir, 'empty.c'), '');
  fs.writeFileSync(path.join(dir, 'broken.c'), 'static int f(unsigned int cpu { ))) ;\n' + fs.readFileSync(path.join(REPO, BAD), 'utf8'));
  const r = cli(['scan', dir, '--format', 'json']);
  assert.equal(r.code, 1, r.stderr);
  // The prefilter may never read the blob; if the scan does, it says it skipped it.
  for (const line of r.stderr.split('\n').filter(Boolean)) assert.match(line, /blob\.c: skipped, binary file/);
  const report = JSON.parse(r.stdout);
  assert.deepEqual(report.findings.map((f: { file: string; code: string; line: number }) => [path.basename(f.file), f.code, f.line]), [['broken.c', 'HP001', 10]]);
});

test('--help and --version', () => {
  const help = cli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /hotplug-race scan \[PATH \.\.\.\] \[--format text\|json\|sarif\] \[--rules FILE\]/);
  const version = cli(['--version']);
  assert.equal(version.code, 0);
  assert.equal(version.stdout.trim(), JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version);
  assert.equal(cli(['scan', '--help']).code, 0);
});
