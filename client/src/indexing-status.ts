// Shows the server's work-done progress (workspace indexing) in the status item and the window's progress area.
// It replaces the client's default progress handler, so it is registered again after every (re)start.
import * as vscode from 'vscode';
import { LanguageClient, State, WorkDoneProgress, WorkDoneProgressCreateRequest } from 'vscode-languageclient/node';
import { ServerStatus } from './status';

export function trackIndexing(client: LanguageClient, status: ServerStatus): vscode.Disposable {
  let handler: vscode.Disposable | undefined;
  const register = () => {
    handler?.dispose();
    handler = client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
      let finish: (() => void) | undefined;
      const sub = client.onProgress(WorkDoneProgress.type, token, (v) => {
        if (v.kind === 'begin') {
          status.set('indexing', v.message ?? v.title);
          void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: v.title }, () => new Promise<void>((r) => (finish = r)));
        } else if (v.kind === 'report') {
          if (status.state === 'indexing') status.set('indexing', v.message);
        } else {
          if (status.state === 'indexing') status.set('ready', v.message);
          finish?.();
          sub.dispose();
        }
      });
    });
  };
  const state = client.onDidChangeState((e) => {
    if (e.newState === State.Running) register();
  });
  if (client.state === State.Running) register();
  return { dispose: () => { state.dispose(); handler?.dispose(); } };
}
