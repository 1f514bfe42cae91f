// UI tests: a user in the real VS Code workbench (code-server + Debian's Chromium via playwright-core).
// The extension is the packaged .vsix installed into code-server (or the source folder when no .vsix exists).
// Screenshots go to test-artifacts/ (git-ignored).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../vscode/host/browser';
import { installVsix, REPO, startCodeServer } from '../vscode/host/code-server';
import { copyFixtureWorkspace } from '../vscode/fixture';
import { activeWebview, cursorLine, editorLines, editorToken, goToLine, openFile, runCommand, waitForWorkbench } from './workbench';

const ARTIFACTS = path.join(REPO, 'test-artifacts');
const FILE = 'smp_hvm.c';
// Where the seed's publish call sits in the fixture (1-based, as the status bar shows it).
const PUBLISH_LINE = 15;

interface UiTest { name: string; run(page: Page): Promise<void> }

const TESTS: UiTest[] = [
  {
    name: 'opens the fixture file',
    async run(page) {
      await openFile(page, FILE);
      const lines = await editorLines(page);
      if (!lines.some((l) => l.includes('rc = native_cpu_up(cpu, tidle);'))) throw new Error(`unexpected editor text:\n${lines.join('\n')}`);
    },
  },
  {
    name: 'shows the HP001 error in the Problems panel',
    async run(page) {
      await page.keyboard.press('Control+Shift+M');
      const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'native_cpu_up' }).filter({ hasText: 'HP001' }).first();
      await row.waitFor({ timeout: 30_000 });
      const text = await row.innerText();
      if (!/native_cpu_up/.test(text)) throw new Error(`the problem does not name native_cpu_up: ${text}`);
      if (!text.includes(`[Ln ${PUBLISH_LINE},`)) throw new Error(`the problem is not on line ${PUBLISH_LINE}: ${text}`);
      if ((await row.locator('.codicon-error').count()) === 0) throw new Error('the problem is not shown as an error');
      await page.screenshot({ path: path.join(ARTIFACTS, 'problems-panel.png') });
    },
  },
  {
    name: 'hovering the squiggle shows the diagnostic',
    async run(page) {
      await openFile(page, FILE);
      // The squiggle is a decoration under the publishing call; point the mouse at the call's name.
      await page.locator('.editor-instance .monaco-editor .squiggly-error').first().waitFor({ state: 'attached', timeout: 30_000 });
      await editorToken(page, 'native_cpu_up').hover();
      const hover = page.locator('.monaco-hover').filter({ hasText: 'HP001' }).first();
      await hover.waitFor({ state: 'visible', timeout: 15_000 });
      const text = await hover.innerText();
      if (!/native_cpu_up/.test(text)) throw new Error(`hover text does not name native_cpu_up: ${text}`);
      await page.screenshot({ path: path.join(ARTIFACTS, 'hover.png') });
      await page.keyboard.press('Escape');
    },
  },
  {
    // Needs the fix engineer's code actions.
    name: 'Ctrl+. applies the preferred quick fix and the text changes',
    async run(page) {
      await openFile(page, FILE);
      await goToLine(page, PUBLISH_LINE, 8);
      await page.keyboard.press('Control+.');
      const menu = page.locator('.action-widget');
      await menu.waitFor({ state: 'visible', timeout: 15_000 });
      // The preferred fix is focused first, so Enter applies it, as a user would.
      const focused = menu.locator('.monaco-list-row.focused');
      await focused.waitFor({ timeout: 5_000 });
      const title = (await focused.getAttribute('aria-label')) ?? (await focused.innerText());
      if (!/^Set up first: move `xen_smp_intr_init\(\)` before `native_cpu_up\(\)`/.test(title)) {
        const items = await menu.locator('.monaco-list-row').allInnerTexts();
        throw new Error(`focused action is ${JSON.stringify(title)}; menu: ${JSON.stringify(items)}`);
      }
      await page.keyboard.press('Enter');
      const deadline = Date.now() + 15_000;
      for (;;) {
        const lines = await editorLines(page);
        const setup = lines.findIndex((l) => l.includes('rc = xen_smp_intr_init(cpu);'));
        const publish = lines.findIndex((l) => l.includes('rc = native_cpu_up(cpu, tidle);'));
        if (setup >= 0 && publish >= 0 && setup < publish) break;
        if (Date.now() > deadline) throw new Error(`the set-up still follows the publish:\n${lines.join('\n')}`);
        await page.waitForTimeout(200);
      }
      await page.screenshot({ path: path.join(ARTIFACTS, 'after-quick-fix.png') });
      // Back to the buggy text (as saved) for the simulator test.
      await runCommand(page, 'File: Revert File');
      const until = Date.now() + 10_000;
      while (!(await editorLines(page)).some((l) => l.includes('WARN_ON(xen_smp_intr_init(cpu));'))) {
        if (Date.now() > until) throw new Error('revert did not restore the file');
        await page.waitForTimeout(200);
      }
    },
  },
  {
    // Needs the simulator engineer's command and trace view.
    name: '"Hotplug: Simulate hotplug" renders lanes and the BUG step',
    async run(page) {
      await openFile(page, FILE);
      await goToLine(page, PUBLISH_LINE, 8);
      await runCommand(page, 'Hotplug: Simulate hotplug');
      const view = activeWebview(page);
      await view.locator('body').waitFor({ timeout: 30_000 });
      // One column per CPU: at least the controlling CPU (BP) and the one coming up (AP).
      const lanes = view.locator('table#lanes thead th', { hasText: /^CPU\d/ });
      await lanes.first().waitFor({ timeout: 30_000 });
      const heads = await lanes.allInnerTexts();
      if (!heads.includes('CPU0 (BP)') || !heads.includes('CPU1 (AP)')) throw new Error(`lane headers: ${JSON.stringify(heads)}`);
      const verdict = await view.locator('#verdict').innerText();
      if (!/^race:/.test(verdict)) throw new Error(`verdict: ${verdict}`);
      const bug = view.locator('button.step.bug');
      await bug.first().waitFor({ timeout: 15_000 });
      const bugText = await bug.first().innerText();
      if (!/BUG/.test(bugText + (await view.locator('#bugline').innerText().catch(() => '')))) throw new Error(`BUG step text: ${bugText}`);
      await page.screenshot({ path: path.join(ARTIFACTS, 'trace-view.png') });
    },
  },
  {
    name: 'clicking a trace step moves the editor to its line',
    async run(page) {
      const view = activeWebview(page);
      // Steps with a source location show it as "file.c:LINE" (1-based).
      const steps = view.locator('button.step[data-link]');
      await steps.first().waitFor({ timeout: 15_000 });
      const n = await steps.count();
      // Put the cursor elsewhere first, so that the jump is visible.
      await openFile(page, FILE);
      await goToLine(page, 22);
      const now = await cursorLine(page);
      let target = -1;
      let line = 0;
      for (let i = 0; i < n; i++) {
        const m = /:(\d+)$/.exec(await steps.nth(i).locator('.where').innerText());
        if (m && Number(m[1]) !== now) {
          target = i;
          line = Number(m[1]);
          break;
        }
      }
      if (target < 0) throw new Error(`no step with a location in the trace`);
      await steps.nth(target).click();
      const deadline = Date.now() + 10_000;
      while ((await cursorLine(page)) !== line) {
        if (Date.now() > deadline) throw new Error(`cursor is on line ${await cursorLine(page)}, expected ${line}`);
        await page.waitForTimeout(200);
      }
    },
  },
];

export async function runUiTests(): Promise<{ passed: number; failed: number; ms: number }> {
  const t0 = Date.now();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const f of fs.readdirSync(ARTIFACTS)) if (/^ui-failed-\d+\.png$/.test(f)) fs.rmSync(path.join(ARTIFACTS, f));
  const version = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version;
  const vsix = path.join(REPO, `hotplug-race-${version}.vsix`);
  const extensionsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hpr-ui-ext-'));
  const folder = copyFixtureWorkspace();
  const useVsix = fs.existsSync(vsix) && process.env.HOTPLUG_RACE_UI_FROM_SOURCE !== '1';
  if (useVsix) installVsix(vsix, extensionsDir);
  console.log(`[ui] extension under test: ${useVsix ? path.basename(vsix) + ' (installed)' : 'source folder'}`);
  const cs = await startCodeServer({ folder, extensionsDir });
  const browser = await launchChromium();
  let passed = 0, failed = 0;
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let url = `${cs.url}/?folder=${encodeURIComponent(folder)}`;
    if (!useVsix) {
      const payload = JSON.stringify([['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${cs.port}${REPO}`]]);
      url += `&payload=${encodeURIComponent(payload)}`;
    }
    await page.goto(url);
    await waitForWorkbench(page);
    for (const t of TESTS) {
      const s = Date.now();
      try {
        await t.run(page);
        passed++;
        console.log(`[ui] ✔ ${t.name} (${Date.now() - s} ms)`);
      } catch (err) {
        failed++;
        const shot = path.join(ARTIFACTS, `ui-failed-${TESTS.indexOf(t) + 1}.png`);
        await page.screenshot({ path: shot }).catch(() => undefined);
        console.log(`[ui] ✘ ${t.name}: ${err instanceof Error ? err.message.split('\n').slice(0, 6).join('\n') : String(err)}\n     screenshot: ${path.relative(REPO, shot)}`);
        await page.keyboard.press('Escape').catch(() => undefined);
      }
    }
  } finally {
    await browser.close();
    await cs.stop();
    fs.rmSync(extensionsDir, { recursive: true, force: true });
    fs.rmSync(folder, { recursive: true, force: true });
  }
  console.log(`UI tests: ${passed} passed, ${failed} failed`);
  return { passed, failed, ms: Date.now() - t0 };
}

if (require.main === module) {
  runUiTests().then(
    (r) => process.exit(r.failed > 0 || r.passed === 0 ? 1 : 0),
    (err) => {
      console.error(`test:ui: ${err instanceof Error ? err.stack : String(err)}`);
      process.exit(1);
    },
  );
}
