// The fixture workspace is copied to a temp folder before each run, so fixes applied by the tests never touch the repo.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const FIXTURE_SRC = path.resolve(__dirname, '..', '..', '..', 'test', 'vscode', 'workspace');

export function copyFixtureWorkspace(): string {
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'hpr-ws-'));
  fs.cpSync(FIXTURE_SRC, dest, { recursive: true });
  return dest;
}
