// Shows the server's work-done progress (workspace indexing) in the status item and the window's progress area.
// The client's progress feature registers its own handler for window/workDoneProgress/create on every (re)start,
// after the state has turned Running; so the handler is substituted where it is registered, not raced afterwards.
import * as vscode from 'vscode';
import { LanguageClient, WorkDoneProgress, WorkDoneProgressCreateRequest } from 'vscode-languageclient/node';
import { ServerStatus } from './status';

export function trackIndexing(client: LanguageClient, status: ServerStatus): void {
  const create = (params: { token: string | number }): null => {
    let finish: (() => void) | undefined;
    const sub = client.onProgress(WorkDoneProgress.type, params.token, (v) => {
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
    return null;
  };
  const onRequest = client.onRequest.bind(client) as (type: unknown, handler: unknown) => vscode.Disposable;
  (client as unknown as { onRequest: typeof onRequest }).onRequest = (type, handler) => {
    const method = typeof type === 'string' ? type : (type as { method?: string }).method;
    return onRequest(type, method === WorkDoneProgressCreateRequest.method ? create : handler);
  };
}
