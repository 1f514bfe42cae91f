// The trace view in a real Chromium (playwright-core), with the real view.js/view.css and the CSP of the
// panel: hostile text never runs, stepping by keys and buttons updates the state, clicks post validated
// messages, the host's compare answer shows "safe: N states explored", and the CSP reports no violation.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { renderView, type ViewResult } from '../../../client/src/sim-view/html';
import { parseViewMessage } from '../../../client/src/sim-view/messages';
import { simulateInput } from '../../../server/src/sim/simulate';
import { input, read, step } from './witness';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
const MEDIA = path.resolve(__dirname, '../../../../media/sim-view');
const EVIL = '<img src=x onerror="window.__pwned=1">';

function result(): ViewResult {
  const pre = read('seed-prefix.c');
  const r = simulateInput(input(pre.file, 'xen_hvm_cpu_up', [step(pre.text, 'xen_hvm_cpu_up(', 'native_cpu_up(cpu, tidle)'), step(pre.text, 'xen_hvm_cpu_up(', 'xen_smp_intr_init(cpu)', { outcome: 'unchecked' })]), { cpus: 2 });
  return { ...r, function: `${EVIL}</script><script>window.__pwned=2</script>`, trace: r.trace.map((s, i) => (i === 0 ? { ...s, actor: EVIL } : s)) };
}

/**
 * Polls `expr` with page.evaluate (a DevTools evaluation, which the page's CSP does not govern). Playwright's
 * waitForFunction evals a string predicate inside the page after its first miss, which this view's CSP forbids.
 */
async function until(page: { evaluate(expr: string): Promise<unknown> }, expr: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await page.evaluate(expr))) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${expr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('trace view in Chromium: escaping, CSP, stepping, messages', { skip: !CHROMIUM && 'chromium not installed', timeout: 120_000 }, async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    const origin = 'http://webview.test';
    const r = result();
    const html = renderView(r, { nonce: 'bm9uY2Vub25jZW5vbmNlMTIz', cspSource: origin, scriptUri: `${origin}/view.js`, styleUri: `${origin}/view.css` });
    await page.route(`${origin}/**`, async (route) => {
      const u = new URL(route.request().url());
      if (u.pathname === '/') return route.fulfill({ contentType: 'text/html', body: html });
      const f = path.join(MEDIA, path.basename(u.pathname));
      if (!fs.existsSync(f)) return route.fulfill({ status: 404, body: '' });
      return route.fulfill({ contentType: f.endsWith('.js') ? 'text/javascript' : 'text/css', body: fs.readFileSync(f, 'utf8') });
    });
    // The VS Code webview API, stubbed before any page script (init scripts are not subject to the page CSP).
    // (browser code is given as strings: this project compiles without the DOM lib)
    await page.addInitScript(`
      window.__posted = [];
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
      let state;
      window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => state, setState: (s) => (state = s) });
    `);
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.goto(`${origin}/`);
    await until(page, `window.__posted.some((m) => m.type === 'ready')`);
    const get = <T>(name: string) => page.evaluate(`window[${JSON.stringify(name)}]`) as Promise<T>;

    assert.equal(await get('__pwned'), undefined, 'hostile text did not run');
    assert.equal(dialogs, 0);
    assert.equal(await page.locator('img').count(), 0);
    assert.ok((await page.locator('h1 .fn').textContent())!.includes('<img src=x'), 'shown as text');
    assert.equal(await page.locator('tbody tr').count(), r.trace.length);
    assert.equal(await page.locator('tbody tr:nth-child(1) td.lane-0 button.step').count(), 1, 'step 1 in the BP lane');
    assert.equal(await page.locator('tbody tr:nth-child(2) td.lane-1 button.step').count(), 1, 'step 2 in the AP lane');
    assert.equal(await page.locator('button.step.bug').count(), 1);

    // step 1 selected: CPU1 offline, RESCHEDULE not bound
    assert.match((await page.locator('#pos').textContent())!, /step 1 of 4/);
    assert.match((await page.locator('#state').textContent())!, /CPU1 offline/);
    await page.keyboard.press('ArrowDown');
    assert.match((await page.locator('#pos').textContent())!, /step 2 of 4/);
    assert.ok(!/CPU1 offline/.test((await page.locator('#state').textContent())!), 'after step 2 CPU1 is online');
    assert.match((await page.locator('#state').textContent())!, /✗ RESCHEDULE not bound/);
    await page.click('#next');
    await page.keyboard.press('End');
    assert.match((await page.locator('#pos').textContent())!, /step 4 of 4/);
    assert.ok(await page.locator('#next').isDisabled());
    await page.keyboard.press('k');
    assert.match((await page.locator('#pos').textContent())!, /step 3 of 4/);

    // clicking a step with a source line posts reveal; every posted message passes the host's validator
    await page.click('tbody tr:nth-child(1) button.step');
    await page.click('#compare');
    await page.click('#save');
    await page.click('#copy');
    const posted = await get<unknown[]>('__posted');
    assert.ok(posted.some((m) => JSON.stringify(m) === JSON.stringify({ type: 'reveal', step: 1 })));
    for (const t of ['compare', 'save', 'copy']) assert.ok(posted.some((m) => (m as { type: string }).type === t), t);
    for (const m of posted) assert.ok(parseViewMessage(m, r.trace.length), JSON.stringify(m));

    // the host's answer to "Compare with fix"
    await page.evaluate(`window.postMessage({ type: 'compare', verdict: 'safe', statesExplored: 638, ms: 1.2 }, '*')`);
    await until(page, `/safe: 638 states explored/.test(document.getElementById('compare-result').textContent)`);
    assert.deepEqual(await get('__violations'), [], 'no CSP violation');
  } finally {
    await browser.close();
  }
});
