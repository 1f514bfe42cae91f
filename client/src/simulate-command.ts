// Command hotplugRace.simulate ("Hotplug: Simulate hotplug"): the function at the cursor, or [uri, name]
// from a code lens / code action. Asks the server (hotplugRace/simulate), shows the trace view and returns
// the result, so tests can read the verdict.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { SimPanel, type ViewResponse } from './sim-view/panel';

export const SIMULATE_COMMAND = 'hotplugRace.simulate';
const REQUEST = 'hotplugRace/simulate';

export function registerSimulate(context: vscode.ExtensionContext, client: LanguageClient): void {
  const request = async (params: Record<string, unknown>): Promise<ViewResponse | undefined> => {
    const cpus = vscode.workspace.getConfiguration('hotplugRace').get<number>('simulator.cpus');
    try {
      return (await client.sendRequest(REQUEST, { ...params, ...(Number.isInteger(cpus) ? { cpus } : {}) })) as ViewResponse | undefined;
    } catch (err) {
      void vscode.window.showErrorMessage(`Simulate hotplug: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  };
  const host = { simulateFixed: (r: ViewResponse) => request({ uri: r.uri, function: r.function, fixed: true }) };

  context.subscriptions.push(
    vscode.commands.registerCommand(SIMULATE_COMMAND, async (uriArg?: unknown, nameArg?: unknown, opts?: unknown) => {
      let params: Record<string, unknown>;
      if (typeof uriArg === 'string' && typeof nameArg === 'string') params = { uri: uriArg, function: nameArg };
      else if (uriArg instanceof vscode.Uri && typeof nameArg === 'string') params = { uri: uriArg.toString(), function: nameArg };
      else {
        const ed = vscode.window.activeTextEditor;
        if (!ed || ed.document.languageId !== 'c') {
          void vscode.window.showWarningMessage('Simulate hotplug: put the cursor in a C function first.');
          return undefined;
        }
        params = { uri: ed.document.uri.toString(), position: { line: ed.selection.active.line, character: ed.selection.active.character } };
      }
      if (opts && typeof opts === 'object' && (opts as { fixed?: unknown }).fixed === true) params.fixed = true;
      const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Simulating hot-plug…' }, () => request(params));
      if (!r) return undefined;
      if (r.verdict === 'error') void vscode.window.showWarningMessage(`Simulate hotplug: ${r.reason ?? 'cannot simulate this function'}`);
      SimPanel.show(context, r, host);
      return r;
    }),
  );
}
