// Restarting the server: a bounded crash-restart policy (errorHandler), the manual restart command,
// and restarts on trust grant (the server re-reads initializationOptions.trusted).
import * as vscode from 'vscode';
import { CloseAction, ErrorAction, ErrorHandler, LanguageClient, State } from 'vscode-languageclient/node';
import { RestartBudget } from './restart-budget';
import { ServerStatus } from './status';

export function crashErrorHandler(budget: RestartBudget, status: ServerStatus, log: vscode.LogOutputChannel): ErrorHandler {
  return {
    error(error, _message, count) {
      log.error(`Connection error: ${error.message}`);
      return { action: count !== undefined && count > 3 ? ErrorAction.Shutdown : ErrorAction.Continue, handled: true };
    },
    closed() {
      if (budget.recordCrash()) {
        const n = budget.recent;
        log.warn(`The server stopped unexpectedly (crash ${n} of at most ${budget.max} in ${budget.windowMs / 60000} minutes); restarting it.`);
        status.set('crashed-restarting', `Crash ${n} of ${budget.max}.`);
        return { action: CloseAction.Restart, handled: true };
      }
      const message = `The Hotplug Race server crashed more than ${budget.max} times in ${budget.windowMs / 60000} minutes and will not be restarted. Run "Hotplug: Restart language server" to try again.`;
      log.error(message);
      status.set('stopped', message);
      void vscode.window.showErrorMessage(message, 'Show output').then((pick) => {
        if (pick) log.show(true);
      });
      return { action: CloseAction.DoNotRestart, handled: true };
    },
  };
}

/** Starts a stopped client or restarts a running one; a manual restart forgets past crashes. */
export async function restartClient(client: LanguageClient, budget: RestartBudget, log: vscode.LogOutputChannel): Promise<void> {
  budget.reset();
  log.info('Restarting the language server.');
  // restart() = stop() + start(), and stop() throws unless the client runs (e.g. after a failed start).
  if (client.state === State.Running) await client.restart();
  else await client.start();
}

export function registerRestarts(
  context: vscode.ExtensionContext,
  client: LanguageClient,
  budget: RestartBudget,
  log: vscode.LogOutputChannel,
): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('hotplugRace.restartServer', () => restartClient(client, budget, log)),
    // Untrusted workspaces run with the built-in knowledge base only; once trusted, the rules file counts.
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log.info('Workspace trusted: restarting the server so that it reads the rules file.');
      void restartClient(client, budget, log);
    }),
    // Other hotplugRace.* settings reach the server through workspace/didChangeConfiguration;
    // the size limit decides what gets indexed at start-up, so it needs a fresh index.
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('hotplugRace.maxFileSize') || e.affectsConfiguration('hotplugRace.exclude')) {
        log.info('Indexing settings changed: restarting the server.');
        void restartClient(client, budget, log);
      }
    }),
  );
}
