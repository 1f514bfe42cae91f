// Drives `node bin/hotplug-race.js lsp --stdio` over JSON-RPC, as an editor would, and records what it sends.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createMessageConnection, type MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import {
  type Diagnostic,
  type InitializeParams,
  type PublishDiagnosticsParams,
  PublishDiagnosticsNotification,
} from 'vscode-languageserver-protocol';
import { pathToFileURL } from 'node:url';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const BIN = path.join(REPO, 'bin', 'hotplug-race.js');

export function uriOf(file: string): string {
  return pathToFileURL(file).toString();
}

export class LspClient {
  readonly conn: MessageConnection;
  readonly child: ChildProcess;
  readonly published: PublishDiagnosticsParams[] = [];
  readonly messages: { type: number; message: string }[] = [];
  readonly logs: { type: number; message: string }[] = [];
  readonly progress: unknown[] = [];
  readonly registrations: unknown[] = [];
  stderr = '';
  private waiters: (() => void)[] = [];
  /** Answer window/workDoneProgress/create with an error, as some clients do. */
  refuseProgress = false;
  private configuration: unknown = {};

  constructor() {
    this.child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (d) => (this.stderr += String(d)));
    this.conn = createMessageConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.published.push(p);
      this.poke();
    });
    this.conn.onNotification('window/showMessage', (p: { type: number; message: string }) => {
      this.messages.push(p);
      this.poke();
    });
    this.conn.onNotification('window/logMessage', (p: { type: number; message: string }) => {
      this.logs.push(p);
      this.poke();
    });
    this.conn.onNotification('$/progress', (p) => {
      this.progress.push(p);
      this.poke();
    });
    this.conn.onRequest('window/workDoneProgress/create', () => {
      if (this.refuseProgress) throw new Error('no progress here');
      return null;
    });
    this.conn.onRequest('client/registerCapability', (p: { registrations: unknown[] }) => {
      this.registrations.push(...p.registrations);
      return null;
    });
    this.conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => this.configuration));
    this.conn.onRequest('workspace/applyEdit', () => ({ applied: false }));
    this.conn.listen();
  }

  private poke(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  async initialize(folders: string[], initializationOptions: Record<string, unknown> = {}, configuration: unknown = {}): Promise<unknown> {
    this.configuration = configuration;
    const params: InitializeParams = {
      processId: process.pid,
      rootUri: folders[0] ? uriOf(folders[0]) : null,
      workspaceFolders: folders.map((f) => ({ uri: uriOf(f), name: path.basename(f) })),
      capabilities: {
        workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true }, workspaceFolders: true },
        window: { workDoneProgress: true },
        textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true }, hover: { contentFormat: ['markdown'] } },
      },
      initializationOptions: { debounceMs: 20, ...initializationOptions },
    };
    const result = await this.conn.sendRequest('initialize', params);
    await this.conn.sendNotification('initialized', {});
    return result;
  }

  /** Resolves with the first value `probe` returns that is not undefined, checking after each message. */
  async until<T>(what: string, probe: () => T | undefined, ms = 20_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = probe();
      if (v !== undefined) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; stderr: ${this.stderr.slice(-2000)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The diagnostics of `uri` published for `version` (or any version, when omitted) after `from` messages. */
  diagnosticsFor(uri: string, version?: number, from = 0): Promise<Diagnostic[]> {
    return this.until(`diagnostics of ${uri}${version === undefined ? '' : ` v${version}`}`, () => {
      for (let i = this.published.length - 1; i >= from; i--) {
        const p = this.published[i];
        if (p.uri === uri && (version === undefined || p.version === version)) return p.diagnostics;
      }
      return undefined;
    });
  }

  open(uri: string, text: string, version = 1): void {
    void this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version, text } });
  }

  change(uri: string, version: number, contentChanges: unknown[]): void {
    void this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  async shutdown(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 3000))]);
      await this.conn.sendNotification('exit');
    } catch {
      // already gone
    }
    await new Promise<void>((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      const t = setTimeout(() => {
        this.child.kill();
        resolve();
      }, 3000);
      this.child.on('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
    this.conn.dispose();
  }
}
