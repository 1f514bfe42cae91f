// hotplugRace.* settings: good values are taken, each bad one falls back to its default with a message naming it.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, effectiveSeverity, parseSettings } from '../../server/src/lsp/settings';
import { isExcludedBy } from '../../server/src/lsp/workspace-index';

test('good values are taken as given', () => {
  const { settings, problems } = parseSettings({
    severity: { HP001: 'warning', HP004: 'off' }, rulesFile: 'tools/hp.json', rules: [{ name: 'x', role: 'ipi-setup', cpu: 0 }],
    exclude: ['**/generated/**'], maxFileSize: 2048, functionBudgetMs: 50, fileBudgetMs: 5000, simulator: { cpus: 3 }, trace: { server: 'verbose' },
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(settings, {
    severity: { HP001: 'warning', HP004: 'off' }, rulesFile: 'tools/hp.json', rules: [{ name: 'x', role: 'ipi-setup', cpu: 0 }],
    exclude: ['**/generated/**'], maxFileSize: 2048, functionBudgetMs: 50, fileBudgetMs: 5000, simulatorCpus: 3, trace: 'verbose',
  });
});

test('bad values fall back to their defaults, one message each', () => {
  const { settings, problems } = parseSettings({
    severity: { HP001: 'fatal', HP777: 'error', HP002: 'hint' }, rulesFile: 42, rules: 'all', exclude: [1, 2],
    maxFileSize: -5, functionBudgetMs: Number.NaN, fileBudgetMs: 10, simulator: { cpus: 99 }, trace: { server: 'loud' },
  });
  assert.deepEqual(settings, { ...DEFAULT_SETTINGS, severity: { HP002: 'hint' } });
  assert.equal(problems.length, 10, problems.join('\n'));
  for (const key of ['severity.HP001', 'severity.HP777', 'rulesFile', 'rules', 'exclude', 'maxFileSize', 'functionBudgetMs', 'fileBudgetMs', 'simulator.cpus', 'trace.server']) {
    assert.ok(problems.some((p) => p.startsWith(`hotplugRace.${key}:`)), key);
  }
  assert.deepEqual(parseSettings('nonsense').settings, DEFAULT_SETTINGS);
  assert.equal(parseSettings('nonsense').problems.length, 1);
  assert.deepEqual(parseSettings(undefined), { settings: { ...DEFAULT_SETTINGS }, problems: [] });
});

test('severity override and off', () => {
  const { settings } = parseSettings({ severity: { HP001: 'hint', HP003: 'off' } });
  assert.equal(effectiveSeverity(settings, 'HP001', 'error'), 'hint');
  assert.equal(effectiveSeverity(settings, 'HP002', 'warning'), 'warning');
  assert.equal(effectiveSeverity(settings, 'HP003', 'error'), undefined);
});

test('exclude globs are relative to the containing workspace folder', () => {
  const folders = ['/ws/a', '/ws/b'];
  assert.ok(isExcludedBy(folders, ['gen/**'], '/ws/a/gen/x.c'));
  assert.ok(isExcludedBy(folders, ['**/*.h'], '/ws/b/deep/y.h'));
  assert.ok(!isExcludedBy(folders, ['gen/**'], '/ws/a/src/gen.c'));
  assert.ok(!isExcludedBy(folders, ['gen/**'], '/elsewhere/gen/x.c'));
  assert.ok(!isExcludedBy(folders, [], '/ws/a/gen/x.c'));
});
