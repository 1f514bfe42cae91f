// Small helpers that act on the VS Code workbench page the way a user does (keyboard, clicks).
import type { FrameLocator, Page } from 'playwright-core';

export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  // The explorer shows the folder once the remote file system is connected.
  await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 60_000 });
}

export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: 15_000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
}

/** The visible lines of the active editor, top to bottom (the fixtures are short enough to fit). */
export async function editorLines(page: Page): Promise<string[]> {
  // No DOM lib in this tsconfig: describe the little of the DOM used here.
  type Line = { style: { top: string }; textContent: string | null };
  return page.locator('.editor-instance .monaco-editor .view-lines').first().evaluate((el) => {
    const lines = Array.from((el as unknown as { querySelectorAll(s: string): ArrayLike<Line> }).querySelectorAll('.view-line'));
    lines.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
    return lines.map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' '));
  });
}

/** "Ln 15, Col 2" from the status bar. */
export async function cursorLine(page: Page): Promise<number> {
  const text = await page.locator('#status\\.editor\\.selection').innerText();
  const m = /Ln (\d+)/.exec(text);
  if (!m) throw new Error(`no cursor position in the status bar: ${text}`);
  return Number(m[1]);
}

/** Quick Open with ':' is "Go to line" (Ctrl+G is not reliable in the browser). */
export async function goToLine(page: Page, line: number, col = 1): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`:${line}:${col}`);
  await page.keyboard.press('Enter');
  const deadline = Date.now() + 5000;
  while ((await cursorLine(page)) !== line) {
    if (Date.now() > deadline) throw new Error(`go to line ${line}: the cursor is on line ${await cursorLine(page)}`);
    await page.waitForTimeout(100);
  }
}

/** The first token of the active editor with exactly this text (what a user points the mouse at). */
export function editorToken(page: Page, text: string) {
  return page.locator('.editor-instance .monaco-editor .view-lines .view-line span span', { hasText: new RegExp(`^${text}$`) }).first();
}

/** The content frame of the active webview panel. */
export function activeWebview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
}
