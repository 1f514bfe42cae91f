// Starts code-server (VS Code 1.100 workbench + Node extension host) on 127.0.0.1 with a free port,
// a throw-away user-data dir and a chosen extensions dir. Used by the offline suite runner and the UI tests.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export const REPO = path.resolve(__dirname, '..', '..', '..', '..');
export const CODE_SERVER_DIR = process.env.CODE_SERVER_DIR ?? path.join(REPO, '.cache', 'code-server');
export const CODE_SERVER_BIN = path.join(CODE_SERVER_DIR, 'node_modules', '.bin', 'code-server');

export function codeServerInstalled(): boolean {
  return fs.existsSync(CODE_SERVER_BIN);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Installs a .vsix into an extensions dir with code-server's own CLI. */
export function installVsix(vsix: string, extensionsDir: string): void {
  const r = spawnSync(CODE_SERVER_BIN, ['--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`code-server --install-extension failed (${r.status}): ${r.stderr || r.stdout}`);
}

export interface CodeServer {
  port: number;
  url: string;
  userDataDir: string;
  /** Output of the server process, for failure reports. */
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  folder: string;
  extensionsDir: string;
  /** Extra user settings. */
  settings?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** Keep workspace trust on, so the folder opens untrusted (restricted mode). Default: trust off. */
  untrusted?: boolean;
}

export async function startCodeServer(opts: StartOptions): Promise<CodeServer> {
  if (!codeServerInstalled()) throw new Error(`code-server is not installed at ${CODE_SERVER_BIN}; run scripts/install-code-server.sh`);
  const port = await freePort();
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hpr-cs-data-'));
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({
      'security.workspace.trust.enabled': !!opts.untrusted,
      'security.workspace.trust.startupPrompt': 'never',
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      // Tests apply fixes and revert them; nothing may reach the disk on its own.
      'files.autoSave': 'off',
      ...opts.settings,
    }, null, 2),
  );
  const args = [
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir, '--extensions-dir', opts.extensionsDir,
    '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override',
    ...(opts.untrusted ? [] : ['--disable-workspace-trust']),
    opts.folder,
  ];
  let out = '';
  const child: ChildProcess = spawn(CODE_SERVER_BIN, args, { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${out}`);
    if (await answers(`${url}/healthz`)) break;
    if (Date.now() > deadline) {
      kill(child);
      throw new Error(`code-server did not answer on ${url} within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    port,
    url,
    userDataDir,
    output: () => out,
    stop: async () => {
      kill(child);
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

function kill(child: ChildProcess): void {
  // The server spawns the extension host and file watchers; end the whole process group we created.
  try {
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => {
      req.destroy();
      resolve(false);
    });
  });
}

/** The workbench URL that runs extension tests (extensionDevelopmentPath / extensionTestsPath payload). */
export function testUrl(cs: CodeServer, folder: string, extensionDevelopmentPath: string, extensionTestsPath: string): string {
  const remote = (p: string) => `vscode-remote://127.0.0.1:${cs.port}${p}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(extensionDevelopmentPath)],
    ['extensionTestsPath', remote(extensionTestsPath)],
  ]);
  return `${cs.url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(payload)}`;
}
