// Rules-file loader: real files with real mistakes, and the exact place each problem is reported.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadRulesFile, loadRulesText, loadRulesSetting, MAX_RULES_FILE_BYTES, MAX_PROBLEMS } from '../../../server/src/core/kb/rules-file';
import { KnowledgeBase } from '../../../server/src/core/kb/kb';
import type { InputProblem } from '../../../server/src/core/types';

const ROOT = path.resolve(__dirname, '../../../..');
const FIX = path.join(ROOT, 'test/fixtures/rules');
const fixture = (name: string) => path.join(FIX, name);

function only(problems: InputProblem[]): InputProblem {
  assert.equal(problems.length, 1, JSON.stringify(problems, null, 1));
  return problems[0];
}

function at(p: InputProblem): [number, number, number, number] {
  assert.ok(p.span, 'problem has a place');
  return [p.span!.startLine, p.span!.startCol, p.span!.endLine, p.span!.endCol];
}

test('a good file with comments and a trailing comma gives its entries and no problems', () => {
  const file = fixture('good.json');
  const { entries, problems } = loadRulesFile(file);
  assert.deepEqual(problems, []);
  assert.deepEqual(entries.map((e) => [e.name, e.kind, e.role, e.cpuArg]), [
    ['acme_cpu_up', 'function', 'online-sync', 0],
    ['acme_ops.kick', 'field', 'online-kick', 1],
    ['start_cpu', 'field', 'online-kick', 0],
    ['acme_ipi_init', 'function', 'ipi-setup', 0],
    ['acme_ipi_enable', 'function', 'ipi-setup', 'self'],
    ['acme_mark', 'function', 'online-direct', 0],
    ['acme_register_state', 'function', 'hotplug-state', 0],
  ]);
  assert.ok(entries.every((e) => e.source === file));
  const init = entries[3];
  assert.equal(init.returnsStatus, true);
  assert.deepEqual(init.vectors, ['RESCHEDULE', 'CALL_FUNCTION']);
  assert.deepEqual(entries[5].when, [{ arg: 1, oneOf: ['ACME_ONLINE'] }]);
  assert.deepEqual(entries[6].callbacks, { state: 0, startup: 1, teardown: 2 });
  assert.equal(entries[0].note, 'waits for cpu_online()');
});

test('loaded entries are looked up like built-in ones (plain, obj->field, bare field)', () => {
  const kb = KnowledgeBase.builtin().extend(loadRulesFile(fixture('good.json')).entries);
  assert.equal(kb.forFunction('acme_cpu_up')[0].role, 'online-sync');
  assert.equal(kb.forField('acme_ops', 'kick')[0].role, 'online-kick');
  assert.equal(kb.forField('other_ops', 'kick').length, 0, 'an obj.field entry matches only that object');
  assert.equal(kb.forField('plat->ops', 'start_cpu')[0].role, 'online-kick', 'a bare field matches any object');
  assert.equal(kb.forFunction('native_cpu_up')[0].source, 'builtin');
});

test('syntax error: no entries, the error at the token where a comma was expected', () => {
  const { entries, problems } = loadRulesFile(fixture('syntax-error.json'));
  assert.deepEqual(entries, []);
  const p = only(problems);
  assert.equal(p.severity, 'error');
  assert.match(p.message, /JSON syntax error: ',' expected/);
  assert.deepEqual(at(p), [2, 28, 2, 34]); // the "role" key after "acme_cpu_up"
  assert.equal(p.span!.start, 43);
});

test('wrong type: the bad rule is dropped at its value, the good one is kept', () => {
  const { entries, problems } = loadRulesFile(fixture('wrong-type.json'));
  assert.deepEqual(entries.map((e) => e.name), ['acme_cpu_up']);
  const p = only(problems);
  assert.equal(p.message, 'rules[1].returnsStatus: must be a boolean, not "yes"');
  assert.deepEqual(at(p), [3, 79, 3, 84]);
});

test('unknown role: named, with the list of roles, at the role value', () => {
  const { entries, problems } = loadRulesFile(fixture('unknown-role.json'));
  assert.deepEqual(entries.map((e) => e.name), ['acme_cpu_up']);
  const p = only(problems);
  assert.match(p.message, /^rules\[0\]\.role: unknown role "ipi-set-up"; expected one of: online-sync, .*ipi-setup/);
  assert.deepEqual(at(p), [2, 39, 2, 51]);
});

test('negative argument index: at the number, on its own line', () => {
  const { entries, problems } = loadRulesFile(fixture('negative-arg.json'));
  assert.deepEqual(entries, []);
  const p = only(problems);
  assert.equal(p.message, 'rules[0].when[0].arg: must be >= 0 (argument indexes count from 0), not -1');
  assert.deepEqual(at(p), [6, 24, 6, 26]);
});

test('extra property in a CRLF, tab-indented file: at the key, with a suggestion; the missing cpu at the brace', () => {
  const { entries, problems } = loadRulesFile(fixture('extra-property.json'));
  assert.deepEqual(entries, []);
  assert.equal(problems.length, 2);
  const extra = problems.find((p) => p.message.includes('unknown property'))!;
  assert.equal(extra.message, 'rules[0].cpuArg: unknown property "cpuArg"; did you mean "cpu"?');
  assert.deepEqual(at(extra), [2, 50, 2, 58]);
  assert.equal(extra.span!.start, 66);
  const missing = problems.find((p) => p.message.includes('missing'))!;
  assert.match(missing.message, /^rules\[0\]: missing required property "cpu"/);
  assert.deepEqual(at(missing), [2, 2, 2, 3]);
});

test('duplicate rule: a warning at the second name; the first is kept', () => {
  const { entries, problems } = loadRulesFile(fixture('duplicate.json'));
  assert.equal(entries.length, 1);
  const p = only(problems);
  assert.equal(p.severity, 'warning');
  assert.match(p.message, /^rules\[1\]\.name: duplicate of rules\[0\]/);
  assert.deepEqual(at(p), [3, 14, 3, 29]);
});

test('columns are UTF-16 code units and a BOM is not counted', () => {
  const { problems } = loadRulesFile(fixture('bom-unicode.json'));
  const p = only(problems);
  assert.match(p.message, /unknown role 5/);
  // Two emoji are two UTF-16 units each; the role value 5 sits at column 52 of the text without the BOM.
  assert.deepEqual(at(p), [0, 52, 0, 53]);
});

test('binary, missing, oversized and non-regular files give one clear problem and no entries', () => {
  const cases: [string, RegExp][] = [
    [fixture('binary.json'), /binary/],
    [fixture('does-not-exist.json'), /cannot read rules file: ENOENT/],
    [FIX, /not a regular file/],
  ];
  const big = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hp-rules-')), 'big.json');
  fs.writeFileSync(big, '{"rules":[' + ' '.repeat(MAX_RULES_FILE_BYTES) + ']}');
  cases.push([big, /too large/]);
  for (const [file, re] of cases) {
    const r = loadRulesFile(file);
    assert.deepEqual(r.entries, [], file);
    assert.match(only(r.problems).message, re);
  }
  fs.rmSync(path.dirname(big), { recursive: true });
});

test('texts that are not a rules file at all: empty, comments only, an array, rules not an array', () => {
  const cases: [string, RegExp, [number, number, number, number]][] = [
    ['', /rules file is empty/, [0, 0, 0, 0]],
    ['// nothing here\n', /rules file is empty/, [0, 0, 0, 0]],
    ['[1, 2]', /^\(top level\): must be an object, not \[1,2\]/, [0, 0, 0, 6]],
    ['{\n  "rules": {}\n}', /^rules: must be an array, not \{\}/, [1, 11, 1, 13]],
    ['{ "rulez": [] }', /unknown property "rulez"; did you mean "rules"\?/, [0, 2, 0, 9]],
  ];
  for (const [text, re, span] of cases) {
    const r = loadRulesText('x.json', text);
    assert.deepEqual(r.entries, [], text);
    const p = r.problems.find((q) => re.test(q.message));
    assert.ok(p, `${JSON.stringify(text)}: ${JSON.stringify(r.problems)}`);
    assert.deepEqual(at(p), span, text);
  }
});

test('semantic checks: a condition on the CPU argument, kind/name mismatch, clashing callbacks, unused flags', () => {
  const text = [
    '{ "rules": [',
    '  { "name": "a", "role": "online-direct", "cpu": 1, "when": [{ "arg": 1, "oneOf": ["x"] }] },',
    '  { "name": "o.f", "kind": "function", "role": "ipi-setup", "cpu": 0 },',
    '  { "name": "r", "role": "hotplug-state", "callbacks": { "state": 0, "startup": 0 } },',
    '  { "name": "g", "role": "offline", "cpu": 0, "guarded": true },',
    '  { "name": "cpu_start", "role": "online-kick", "cpu": "self" }',
    '] }',
  ].join('\n');
  const { entries, problems } = loadRulesText('x.json', text);
  assert.deepEqual(entries.map((e) => e.name), ['g', 'cpu_start']);
  const msgs = problems.map((p) => `${p.severity} ${p.span!.startLine}:${p.span!.startCol} ${p.message}`);
  assert.deepEqual(msgs, [
    'error 1:70 rules[0].when[0].arg: argument 1 is the CPU argument; a condition must be on another argument',
    'error 2:27 rules[1].kind: "function" cannot have a member name ("o.f"); use "field" or drop "kind"',
    'error 3:55 rules[2].callbacks: state, startup and teardown must be different arguments',
    'warning 4:46 rules[3].guarded: only used with roles ipi-setup, ipi-teardown and ipi-send; ignored',
  ]);
});

test('several errors in one rule are all reported (allErrors), each at its own place, in file order', () => {
  const text = '{ "rules": [ { "name": "9bad", "role": "ipi-setup", "cpu": -3, "vectors": ["A", "A"], "color": 1 } ] }';
  const { entries, problems } = loadRulesText('x.json', text);
  assert.deepEqual(entries, []);
  const got = problems.map((p) => [p.span!.startCol, p.message]);
  assert.deepEqual(got, [
    [23, 'rules[0].name: "9bad" is not a C identifier, "obj.field" or "obj->field"'],
    [59, 'rules[0].cpu: must be an argument index (an integer from 0 to 31) or "self", not -3'],
    [74, 'rules[0].vectors: items 0 and 1 are the same'],
    [86, 'rules[0].color: unknown property "color"; allowed: name, kind, role, cpu, when, returnsStatus, guarded, vectors, callbacks, note'],
  ]);
});

test('the hotplugRace.rules setting: same format, problems named by setting path, good rules kept', () => {
  const r = loadRulesSetting([
    { name: 'acme_cpu_up', role: 'online-sync', cpu: 0 },
    { name: 'acme_ipi_init', role: 'ipi-setup', cpu: 'zero' },
    'not a rule',
  ]);
  assert.deepEqual(r.entries.map((e) => [e.name, e.source]), [['acme_cpu_up', 'settings']]);
  assert.deepEqual(r.problems.map((p) => [p.file, p.message, p.span]), [
    ['hotplugRace.rules', 'hotplugRace.rules[1].cpu: must be an argument index (an integer from 0 to 31) or "self", not "zero"', undefined],
    ['hotplugRace.rules', 'hotplugRace.rules[2]: must be an object, not "not a rule"', undefined],
  ]);
  assert.deepEqual(loadRulesSetting(undefined), { entries: [], problems: [] });
  assert.match(only(loadRulesSetting({ rules: [] }).problems).message, /^hotplugRace\.rules: must be an array/);
});

test('never throws, whatever the text (random bytes and truncations of a good file)', () => {
  const good = fs.readFileSync(fixture('good.json'), 'utf8');
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < 300; i++) {
    const cut = good.slice(0, Math.floor(rnd() * good.length));
    const noise = Array.from({ length: Math.floor(rnd() * 40) }, () => String.fromCharCode(Math.floor(rnd() * 0x3000))).join('');
    for (const t of [cut, noise, cut + noise]) {
      const r = loadRulesText('x.json', t);
      assert.ok(Array.isArray(r.entries) && Array.isArray(r.problems));
      for (const p of r.problems) if (p.span) assert.ok(p.span.start <= p.span.end && p.span.end <= t.length);
    }
  }
  for (const v of [null, 0, 'x', {}, [null], [[]], [{ name: {} }]]) assert.doesNotThrow(() => loadRulesSetting(v));
});

test('the sample tree rules file is valid', () => {
  const r = loadRulesFile(path.join(ROOT, 'samples/.hotplug-race.json'));
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.entries.map((e) => [e.name, e.role]), [['acme_fw_start_cpu', 'online-kick']]);
});

test('pathological files stay fast and bounded: deep nesting, thousands of bad rules, thousands of syntax errors', () => {
  const deep = loadRulesText('x.json', '{"rules":' + '['.repeat(200000) + ']'.repeat(200000) + '}');
  assert.deepEqual(deep.entries, []);
  assert.match(only(deep.problems).message, /nested too deeply|syntax error/);

  const t0 = Date.now();
  const many = loadRulesText('x.json', '{"rules":[' + Array.from({ length: 5000 }, (_, i) => `{"name":"f${i}","role":"bad","cpu":-1}`).join(',') + ']}');
  assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
  assert.equal(many.problems.length, MAX_PROBLEMS + 1);
  assert.equal(many.problems[MAX_PROBLEMS].message, `${10000 - MAX_PROBLEMS} more problem(s) not shown`);
  assert.match(many.problems[0].message, /^rules\[0\]\.role: unknown role "bad"/);

  const syntax = loadRulesText('x.json', '{"rules":[' + 'x,'.repeat(5000) + ']}');
  assert.equal(syntax.problems.length, MAX_PROBLEMS + 1);
  assert.match(syntax.problems[MAX_PROBLEMS].message, /more syntax error\(s\) not shown/);
});
