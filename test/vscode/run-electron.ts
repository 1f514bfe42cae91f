// Runs the extension-host suite under @vscode/test-electron: with VSCODE_EXECUTABLE pointing at an
// installed VS Code, or (HOTPLUG_RACE_DOWNLOAD_VSCODE=1) a downloaded one.
import * as fs from 'fs';
import * as path from 'path';
import { REPO } from './host/code-server';
import { copyFixtureWorkspace } from './fixture';

export function electronHostConfigured(): boolean {
  return !!process.env.VSCODE_EXECUTABLE || process.env.HOTPLUG_RACE_DOWNLOAD_VSCODE === '1';
}

export async function runSuiteInElectron(): Promise<{ exitCode: number; passed: number; failed: number; ms: number }> {
  const t0 = Date.now();
  const { runTests } = await import('@vscode/test-electron');
  const exe = process.env.VSCODE_EXECUTABLE;
  if (exe && !fs.existsSync(exe)) throw new Error(`VSCODE_EXECUTABLE=${exe} does not exist`);
  const folder = copyFixtureWorkspace();
  // VS Code's output is passed through to ours; the suite also writes its counts to this file for the summary.
  const resultFile = path.join(folder, '..', `hpr-electron-result-${process.pid}.txt`);
  let exitCode: number;
  try {
    exitCode = await runTests({
      vscodeExecutablePath: exe,
      extensionDevelopmentPath: REPO,
      extensionTestsPath: path.join(REPO, 'out', 'test', 'vscode', 'suite', 'index.js'),
      launchArgs: [folder, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
      extensionTestsEnv: { HOTPLUG_RACE_RESULT_FILE: resultFile },
    });
  } catch (err) {
    exitCode = typeof err === 'number' ? err : 1;
    if (typeof err !== 'number') console.error(`test-electron: ${err instanceof Error ? err.message : String(err)}`);
  }
  let passed = 0, failed = 0;
  try {
    const m = /(\d+) passed, (\d+) failed/.exec(fs.readFileSync(resultFile, 'utf8'));
    if (m) [passed, failed] = [Number(m[1]), Number(m[2])];
  } catch {
    // no result file: the host never ran the suite
  }
  fs.rmSync(folder, { recursive: true, force: true });
  fs.rmSync(resultFile, { force: true });
  return { exitCode, passed, failed, ms: Date.now() - t0 };
}
