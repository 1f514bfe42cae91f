// Mocha entry loaded by the extension host (extensionTestsPath), under @vscode/test-electron or code-server.
import * as fs from 'fs';
import Mocha from 'mocha';
import * as path from 'path';
import * as vscode from 'vscode';

export function run(): Promise<void> {
  // The runner checks this line: the environment it set must reach the extension host.
  console.log(
    `extension-host suite: installed-in=${process.env.HOTPLUG_RACE_EXPECT_INSTALLED_IN ?? '-'} ` +
      `untrusted=${process.env.HOTPLUG_RACE_EXPECT_UNTRUSTED === '1'} isTrusted=${vscode.workspace.isTrusted}`,
  );
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const grep = process.env.HOTPLUG_RACE_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const f of fs.readdirSync(__dirname).sort()) {
    if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const s = runner.stats;
      // The runners look for this exact line.
      const line = `extension-host suite: ${s?.passes ?? 0} passed, ${s?.failures ?? failures} failed, ${s?.pending ?? 0} pending`;
      console.log(line);
      if (process.env.HOTPLUG_RACE_RESULT_FILE) fs.writeFileSync(process.env.HOTPLUG_RACE_RESULT_FILE, line + '\n');
      if (failures > 0) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
  });
}
