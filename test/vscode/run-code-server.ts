// Runs the extension-host suite in code-server's real workbench: the tests are loaded through the
// extensionDevelopmentPath / extensionTestsPath payload; the result comes back through codeAutomationExit.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { format } from 'util';
import { launchChromium } from './host/browser';
import { installVsix, REPO, startCodeServer, testUrl } from './host/code-server';
import { copyFixtureWorkspace } from './fixture';

export interface SuiteResult {
  exitCode: number;
  passed: number;
  failed: number;
  pending: number;
  ms: number;
}

const TESTS = path.join(REPO, 'out', 'test', 'vscode', 'suite', 'index.js');
const STUB = path.join(REPO, 'test', 'vscode', 'stub');

/** `vsix` given: the suite runs against that package installed into a fresh extensions dir; else against the repo folder. */
export async function runSuiteInCodeServer(opts: { vsix?: string; untrusted?: boolean; timeoutMs?: number; label: string }): Promise<SuiteResult> {
  const t0 = Date.now();
  const extensionsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hpr-cs-ext-'));
  const folder = copyFixtureWorkspace();
  const env: NodeJS.ProcessEnv = {};
  let devPath = REPO;
  if (opts.vsix) {
    installVsix(opts.vsix, extensionsDir);
    devPath = STUB;
    env.HOTPLUG_RACE_EXPECT_INSTALLED_IN = extensionsDir;
  }
  if (opts.untrusted) env.HOTPLUG_RACE_EXPECT_UNTRUSTED = '1';
  const cs = await startCodeServer({ folder, extensionsDir, env, untrusted: opts.untrusted });
  const browser = await launchChromium();
  let passed = 0, failed = 0, pending = 0;
  let seen: string | undefined;
  const expected = `installed-in=${env.HOTPLUG_RACE_EXPECT_INSTALLED_IN ?? '-'} untrusted=${!!opts.untrusted} isTrusted=${!opts.untrusted}`;
  try {
    const page = await browser.newPage();
    let finish!: (code: number) => void;
    const exited = new Promise<number>((r) => (finish = r));
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      // The host forwards console calls as (format, ...args).
      const line = format(...(Array.isArray(args) ? args : [args]));
      const m = /extension-host suite: (\d+) passed, (\d+) failed, (\d+) pending/.exec(line);
      if (m) [passed, failed, pending] = [Number(m[1]), Number(m[2]), Number(m[3])];
      const mode = /extension-host suite: (installed-in=\S+ untrusted=\w+ isTrusted=\w+)/.exec(line);
      if (mode) seen = mode[1];
      if (line.includes('open-vsx.org')) return; // the gallery lookup fails offline; harmless
      process.stdout.write(`[${opts.label}] ${line}\n`);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => finish(code));
    await page.goto(testUrl(cs, folder, devPath, TESTS));
    const timeoutMs = opts.timeoutMs ?? 10 * 60_000;
    let timer: NodeJS.Timeout | undefined;
    const exitCode = await Promise.race([
      exited,
      new Promise<number>((r) => (timer = setTimeout(() => r(-1), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (exitCode === -1) process.stdout.write(`[${opts.label}] timed out after ${timeoutMs / 1000} s\n${cs.output()}\n`);
    if (seen !== expected) {
      process.stdout.write(`[${opts.label}] the extension host did not run in the expected mode: expected "${expected}", saw "${seen ?? 'nothing'}"\n`);
      return { exitCode: exitCode || 1, passed, failed: failed + 1, pending, ms: Date.now() - t0 };
    }
    return { exitCode, passed, failed, pending, ms: Date.now() - t0 };
  } finally {
    await browser.close();
    await cs.stop();
    fs.rmSync(extensionsDir, { recursive: true, force: true });
    fs.rmSync(folder, { recursive: true, force: true });
  }
}
