// Extension entry: starts the language client and wires the status bar, restarts and commands.
import * as vscode from 'vscode';
import { ExecuteCommandRequest, LanguageClient, LanguageClientOptions, State } from 'vscode-languageclient/node';
import { trackIndexing } from './indexing-status';
import { RestartBudget } from './restart-budget';
import { crashErrorHandler, registerRestarts } from './restart';
import { findServer, serverOptions } from './server-options';
import { registerSimulate } from './simulate-command';
import { ServerStatus } from './status';

/** What `activate` returns; the extension-host tests use it. */
export interface HotplugRaceApi {
  client: LanguageClient | undefined;
  /** Resolves once the server has answered `initialize`; rejects if it cannot start. */
  ready: Promise<void>;
  status: ServerStatus;
}

const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'c' },
  { scheme: 'file', pattern: '**/*.h' },
  { language: 'json', pattern: '**/.hotplug-race.json' },
  { language: 'jsonc', pattern: '**/.hotplug-race.json' },
];

export function activate(context: vscode.ExtensionContext): HotplugRaceApi {
  const log = vscode.window.createOutputChannel('Hotplug Race', { log: true });
  const status = new ServerStatus();
  context.subscriptions.push(log, status, vscode.commands.registerCommand('hotplugRace.showOutput', () => log.show(true)));

  const server = findServer(context.extensionPath);
  if (typeof server === 'string') {
    log.error(server);
    status.set('stopped', server);
    const ready = Promise.reject(new Error(server));
    ready.catch(() => undefined);
    return { client: undefined, ready, status };
  }

  const budget = new RestartBudget(5, 3 * 60 * 1000);
  const watcher = vscode.workspace.createFileSystemWatcher('**/{*.c,*.h,.hotplug-race.json}');
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: log,
    // A function, so that a restart after a trust grant sends the new value.
    initializationOptions: () => ({ trusted: vscode.workspace.isTrusted }),
    synchronize: { configurationSection: 'hotplugRace', fileEvents: watcher },
    errorHandler: crashErrorHandler(budget, status, log),
  };
  const client = new LanguageClient('hotplugRace', 'Hotplug Race', serverOptions(context.extensionPath, server), clientOptions);
  context.subscriptions.push(watcher, client);

  client.onDidChangeState((e) => {
    if (e.newState === State.Running) status.set('ready');
    else if (e.newState === State.Starting && status.state !== 'crashed-restarting') status.set('starting');
    else if ((e.newState === State.Stopped || e.newState === State.StartFailed) && status.state !== 'crashed-restarting') {
      // Keep the reason the error handler gave, if it gave one.
      if (status.state !== 'stopped') status.set('stopped', e.newState === State.StartFailed ? 'The server failed to start.' : 'The server was stopped.');
    }
  });

  trackIndexing(client, status);
  registerRestarts(context, client, budget, log);
  context.subscriptions.push(vscode.commands.registerCommand('hotplugRace.fixAll', () => fixAll(client, log)));
  registerSimulate(context, client);

  const ready = client.start().then(() => {
    log.info(`Server started (${server.module}).`);
  });
  ready.catch((err: unknown) => {
    const msg = err instanceof Error ? err.message : String(err);
    log.error(`The server failed to start: ${msg}`);
    status.set('stopped', msg);
  });
  return { client, ready, status };
}

/** Asks the server to apply every preferred fix in the active file. */
async function fixAll(client: LanguageClient, log: vscode.LogOutputChannel): Promise<unknown> {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || !vscode.languages.match(DOCUMENT_SELECTOR, doc)) {
    void vscode.window.showInformationMessage('Hotplug: open a C file to fix.');
    return undefined;
  }
  try {
    return await client.sendRequest(ExecuteCommandRequest.type, {
      command: 'hotplugRace.applyAllFixes',
      arguments: [{ uri: client.code2ProtocolConverter.asUri(doc.uri), version: doc.version }],
    });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    log.error(`Fix all failed: ${msg}`);
    void vscode.window.showErrorMessage(`Hotplug: fix all failed: ${msg}`);
    return undefined;
  }
}

export function deactivate(): void {
  // The client is in context.subscriptions; disposing it stops the server.
}
