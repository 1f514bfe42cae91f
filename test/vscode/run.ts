// The tests in a real VS Code. `node out/test/vscode/run.js [suite|ui|all|electron|dev|vsix]`:
//   suite (npm run test:vscode, the default): the extension-host suite in every available host:
//     @vscode/test-electron when VSCODE_EXECUTABLE is set (or HOTPLUG_RACE_DOWNLOAD_VSCODE=1), then
//     code-server (offline) against the source folder, against the installed .vsix, and against the
//     installed .vsix in an untrusted workspace (restricted mode: the workspace rules file is ignored);
//   ui (npm run test:ui): the Playwright UI tests in code-server; all: both.
// With CI=true a missing host fails the run; locally it prints what to install and exits 0.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { chromiumInstalled, CHROMIUM } from './host/browser';
import { CODE_SERVER_BIN, codeServerInstalled, REPO } from './host/code-server';
import { electronHostConfigured, runSuiteInElectron } from './run-electron';
import { runSuiteInCodeServer } from './run-code-server';
import { runUiTests } from '../ui/run';

const INSTALL_HELP = `To run the VS Code tests offline, install:
  apt-get install -y chromium libkrb5-dev ripgrep g++ make python3
  bash scripts/install-code-server.sh        # code-server@4.100.3 into .cache/code-server (~1 min)
  (or set HOTPLUG_RACE_INSTALL_HOST=1; with CI=true this happens on its own)
or point VSCODE_EXECUTABLE at an installed VS Code (runs under @vscode/test-electron).`;

function vsixPath(): string {
  const version = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')).version;
  return path.join(REPO, `hotplug-race-${version}.vsix`);
}

async function main(): Promise<number> {
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  const arg = process.argv[2] ?? 'suite';
  const suite = ['electron', 'dev', 'vsix', 'untrusted'];
  const parts = arg === 'suite' ? suite : arg === 'all' ? [...suite, 'ui'] : [arg];
  if (!parts.every((p) => [...suite, 'ui'].includes(p))) {
    console.error(`test:vscode: unknown part ${arg}; use suite, ui, all, ${suite.join(', ')}`);
    return 2;
  }
  const want = (p: string) => parts.includes(p);
  const t0 = Date.now();
  const rows: string[] = [];
  let failed = false;
  let ranAny = false;

  if (electronHostConfigured() && want('electron')) {
    ranAny = true;
    const r = await runSuiteInElectron();
    rows.push(`test-electron (source folder): ${r.passed} passed, ${r.failed} failed, exit ${r.exitCode}, ${(r.ms / 1000).toFixed(1)} s`);
    if (r.exitCode !== 0 || r.passed === 0) failed = true;
  }

  const needsOffline = want('dev') || want('vsix') || want('untrusted') || want('ui');
  // In CI (or when asked) install code-server on first use; it is ~1 min from the npm registry.
  if (needsOffline && !codeServerInstalled() && (ci || process.env.HOTPLUG_RACE_INSTALL_HOST === '1')) {
    console.log('test:vscode: installing code-server (scripts/install-code-server.sh)');
    const r = spawnSync('bash', [path.join(REPO, 'scripts', 'install-code-server.sh')], { stdio: 'inherit' });
    if (r.status !== 0) console.error(`test:vscode: installing code-server failed (exit ${r.status})`);
  }
  const offline = codeServerInstalled() && chromiumInstalled();
  if (!needsOffline) {
    if (!ranAny) {
      console.error(`test:vscode: no VS Code for test-electron: set VSCODE_EXECUTABLE.\n${INSTALL_HELP}`);
      if (ci) return 1;
    }
  } else if (!offline) {
    const missing = [!codeServerInstalled() && `code-server (${CODE_SERVER_BIN})`, !chromiumInstalled() && `chromium (${CHROMIUM})`].filter(Boolean).join(', ');
    console.error(`test:vscode: offline host not available: missing ${missing}.\n${INSTALL_HELP}`);
    if (ci || !ranAny) {
      if (ci) {
        console.error('test:vscode: failing because CI=true and no real VS Code host ran.');
        return 1;
      }
      return 0;
    }
  } else {
    const vsix = vsixPath();
    for (const mode of ['dev', 'vsix', 'untrusted'] as const) {
      if (!want(mode)) continue;
      if (mode !== 'dev' && !fs.existsSync(vsix)) {
        console.error(`test:vscode: ${vsix} is missing; run "npm run package" first.`);
        failed = true;
        continue;
      }
      ranAny = true;
      const label =
        mode === 'dev' ? 'code-server (source folder)'
        : `code-server (installed ${path.basename(vsix)}${mode === 'untrusted' ? ', untrusted workspace' : ''})`;
      const r = await runSuiteInCodeServer({ label: mode, vsix: mode === 'dev' ? undefined : vsix, untrusted: mode === 'untrusted' });
      rows.push(`${label}: ${r.passed} passed, ${r.failed} failed, ${r.pending} pending, exit ${r.exitCode}, ${(r.ms / 1000).toFixed(1)} s`);
      if (r.exitCode !== 0 || r.passed === 0) failed = true;
    }
    if (want('ui')) {
      ranAny = true;
      const r = await runUiTests();
      rows.push(`UI tests (code-server + Chromium): ${r.passed} passed, ${r.failed} failed, ${(r.ms / 1000).toFixed(1)} s`);
      if (r.failed > 0 || r.passed === 0) failed = true;
    }
  }

  console.log('\n== VS Code test summary ==');
  for (const r of rows) console.log(r);
  console.log(`total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`test:vscode: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  },
);
