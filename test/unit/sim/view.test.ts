// The trace view's pure parts: HTML escaping and CSP, and validation of every message from the webview.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { csp, escapeHtml, renderView, scriptJson, type ViewResult } from '../../../client/src/sim-view/html';
import { parseViewMessage } from '../../../client/src/sim-view/messages';
import { simulateInput } from '../../../server/src/sim/simulate';
import { input, read, step } from './witness';

const EVIL = '<img src=x onerror=alert(1)>';
const ASSETS = { nonce: 'AAAAAAAAAAAAAAAAAAAAAAAA', cspSource: 'vscode-webview://abc', scriptUri: 'vscode-webview://abc/view.js', styleUri: 'vscode-webview://abc/view.css' };

function raceResult(): ViewResult {
  const pre = read('seed-prefix.c');
  const r = simulateInput(input(pre.file, 'xen_hvm_cpu_up', [step(pre.text, 'xen_hvm_cpu_up(', 'native_cpu_up(cpu, tidle)'), step(pre.text, 'xen_hvm_cpu_up(', 'xen_smp_intr_init(cpu)', { outcome: 'unchecked' })]), { cpus: 2 });
  return r;
}

function hostile(): ViewResult {
  const r = raceResult();
  return {
    ...r,
    function: EVIL,
    file: `/tmp/"><script>alert(2)</script>/${EVIL}.c`,
    notes: [`</script><script>alert(3)</script>`],
    trace: r.trace.map((s) => ({ ...s, actor: EVIL, action: `'" onclick="alert(4)" ${EVIL} \u2028`, file: `/x/${EVIL}.c` })),
    bug: { ...r.bug!, message: `</p>${EVIL}` },
  };
}

test('escapeHtml escapes every markup character', () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&\``), '&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#96;');
  assert.equal(escapeHtml(42), '42');
});

test('hostile names and paths never reach the HTML as markup', () => {
  const html = renderView(hostile(), ASSETS);
  assert.ok(!html.includes('<img'), 'no raw <img');
  assert.ok(!/<script>alert/.test(html), 'no injected script');
  // text is escaped, so every '<' starts one of our tags: none of them has an on* handler attribute
  // (attribute values cannot hold a raw '"', so dropping "..." leaves only attribute names)
  const tags = (html.match(/<[^>]*>/g) ?? []).map((t) => t.replace(/"[^"]*"/g, '""'));
  assert.ok(!tags.some((t) => /\son\w+\s*=/i.test(t)), 'no inline handler attributes');
  assert.ok(html.includes('onerror=alert(1)&#62;'), 'the hostile text is shown, escaped');
  // only our two script elements, both with the nonce
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  assert.equal(scripts.length, 2);
  for (const s of scripts) assert.ok(s.includes(`nonce="${ASSETS.nonce}"`), s);
  // the JSON data block cannot be closed early
  const json = html.slice(html.indexOf('id="trace-data"'), html.indexOf('</script>'));
  assert.ok(!json.slice(json.indexOf('>') + 1).includes('<'));
  const data = JSON.parse(json.slice(json.indexOf('>') + 1));
  assert.equal(data.trace[0].actor, EVIL, 'the script still gets the exact text');
  assert.ok(!/\sstyle=/.test(html), 'no inline styles (CSP has no unsafe-inline)');
});

test('CSP: default none, nonce scripts, styles from the webview source only', () => {
  const html = renderView(raceResult(), ASSETS);
  const policy = csp(ASSETS);
  assert.match(policy, /^default-src 'none'; /);
  assert.match(policy, /script-src 'nonce-AAAAAAAAAAAAAAAAAAAAAAAA'/);
  assert.ok(!/unsafe-(inline|eval)/.test(policy));
  assert.ok(html.includes(`content="${escapeHtml(policy)}"`));
  assert.throws(() => renderView(raceResult(), { ...ASSETS, nonce: `x" onload="y` }), /nonce/);
});

test('the view shows one lane per CPU, one row per step, the BUG step marked, the summary', () => {
  const r = raceResult();
  const html = renderView(r, ASSETS);
  assert.equal((html.match(/<th scope="col">CPU/g) ?? []).length, r.cpus + 2);
  assert.equal((html.match(/<tr id="step-/g) ?? []).length, r.trace.length);
  assert.equal((html.match(/class="step bug"/g) ?? []).length, 1);
  assert.match(html, /race: 4 steps/);
  assert.match(html, /class="bugline" id="bugline">kernel BUG at drivers\/xen\/events.c:1328/);
  const safe = renderView({ ...r, verdict: 'safe', trace: [], bug: null, statesExplored: 638 }, ASSETS);
  assert.match(safe, /safe: 638 states explored/);
  const bounded = renderView({ ...r, verdict: 'bounded', trace: [], bug: null, reason: 'state bound of 5 states reached' }, ASSETS);
  assert.match(bounded, /not a proof of safety/);
});

test('scriptJson escapes <, >, & and line separators', () => {
  const s = scriptJson({ a: '</script><!-- & \u2028' });
  assert.ok(!/[<>&\u2028]/.test(s));
  assert.deepEqual(JSON.parse(s), { a: '</script><!-- & \u2028' });
});

test('webview messages: only well-formed ones pass', () => {
  assert.deepEqual(parseViewMessage({ type: 'reveal', step: 3 }, 4), { type: 'reveal', step: 3 });
  assert.deepEqual(parseViewMessage({ type: 'select', step: 1 }, 4), { type: 'select', step: 1 });
  for (const t of ['ready', 'compare', 'save', 'copy']) assert.deepEqual(parseViewMessage({ type: t }, 4), { type: t });
  const bad: unknown[] = [
    null, undefined, 7, 'reveal', [], [{ type: 'save' }],
    { type: 'reveal' }, { type: 'reveal', step: 0 }, { type: 'reveal', step: 5 }, { type: 'reveal', step: 1.5 }, { type: 'reveal', step: '2' },
    { type: 'reveal', step: 2, file: '/etc/passwd' }, { type: 'save', path: '/etc/passwd' }, { type: 'eval', code: 'x' },
    { type: EVIL }, { type: 'reveal', step: Number.MAX_VALUE }, { type: 'reveal', step: NaN }, { type: 'copy', __proto__: { x: 1 }, y: 2 },
  ];
  for (const b of bad) assert.equal(parseViewMessage(b, 4), undefined, JSON.stringify(b));
  assert.equal(parseViewMessage({ type: 'reveal', step: 1 }, 0), undefined, 'no steps, nothing to reveal');
});

test('the view script uses no eval, inline handlers or innerHTML', () => {
  const js = fs.readFileSync(path.resolve(__dirname, '../../../../media/sim-view/view.js'), 'utf8');
  assert.ok(!/\beval\s*\(|new Function|innerHTML|outerHTML|insertAdjacentHTML|document\.write|setAttribute\(\s*['"]on/.test(js));
  assert.match(js, /JSON\.parse/);
});
