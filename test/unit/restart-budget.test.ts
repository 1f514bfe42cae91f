import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestartBudget } from '../../client/src/restart-budget';

test('allows max restarts within the window, then refuses', () => {
  let t = 0;
  const b = new RestartBudget(5, 180_000, () => t);
  const results: boolean[] = [];
  for (let i = 0; i < 6; i++) { t += 1000; results.push(b.recordCrash()); }
  assert.deepEqual(results, [true, true, true, true, true, false]);
  assert.equal(b.recent, 6);
});

test('crashes older than the window are forgotten', () => {
  let t = 0;
  const b = new RestartBudget(2, 1000, () => t);
  assert.equal(b.recordCrash(), true);
  t = 500; assert.equal(b.recordCrash(), true);
  t = 1600; assert.equal(b.recordCrash(), true); // the crash at 0 and 500 are out of the window
  assert.equal(b.recent, 1);
  t = 1700; assert.equal(b.recordCrash(), true);
  t = 1800; assert.equal(b.recordCrash(), false);
});

test('reset clears the count', () => {
  const b = new RestartBudget(1, 1000, () => 0);
  b.recordCrash(); assert.equal(b.recordCrash(), false);
  b.reset();
  assert.equal(b.recordCrash(), true);
});
