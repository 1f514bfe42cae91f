// The trace view panel: one webview, reused; strict CSP, media/sim-view as the only local resource root,
// every webview message validated before use.
import * as crypto from 'crypto';
import * as vscode from 'vscode';
import { renderView, type ViewResult } from './html';
import { type HostMessage, parseViewMessage } from './messages';

export type ViewResponse = ViewResult & { text: string; uri: string };

export interface PanelHost {
  /** Runs the fixed version of the same function (hotplugRace/simulate with fixed: true). */
  simulateFixed(r: ViewResponse): Promise<ViewResponse | undefined>;
}

export class SimPanel {
  private static current: SimPanel | undefined;
  private result: ViewResponse;
  private readonly disposables: vscode.Disposable[] = [];

  static show(context: vscode.ExtensionContext, r: ViewResponse, host: PanelHost): SimPanel {
    if (SimPanel.current) {
      SimPanel.current.update(r);
      SimPanel.current.panel.reveal(undefined, true);
      return SimPanel.current;
    }
    const root = vscode.Uri.joinPath(context.extensionUri, 'media', 'sim-view');
    const panel = vscode.window.createWebviewPanel('hotplugRace.simulation', 'Simulate hotplug', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      localResourceRoots: [root],
      retainContextWhenHidden: true,
    });
    SimPanel.current = new SimPanel(panel, root, r, host);
    return SimPanel.current;
  }

  private constructor(readonly panel: vscode.WebviewPanel, private readonly root: vscode.Uri, r: ViewResponse, private readonly host: PanelHost) {
    this.result = r;
    this.render();
    panel.onDidDispose(() => this.dispose(), null, this.disposables);
    panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m), null, this.disposables);
  }

  update(r: ViewResponse): void {
    this.result = r;
    this.render();
  }

  private render(): void {
    const w = this.panel.webview;
    this.panel.title = `Simulate hotplug: ${this.result.function || 'error'}`;
    w.html = renderView(this.result, {
      nonce: crypto.randomBytes(18).toString('base64'),
      cspSource: w.cspSource,
      scriptUri: w.asWebviewUri(vscode.Uri.joinPath(this.root, 'view.js')).toString(),
      styleUri: w.asWebviewUri(vscode.Uri.joinPath(this.root, 'view.css')).toString(),
    });
  }

  private post(m: HostMessage): void {
    void this.panel.webview.postMessage(m);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const r = this.result;
    const m = parseViewMessage(raw, r.trace.length);
    if (!m) return; // ignore anything malformed
    switch (m.type) {
      case 'reveal': {
        const s = r.trace[m.step - 1];
        if (!s.line) return;
        // Only the simulated document itself: the step's file is the result's file.
        const uri = vscode.Uri.parse(r.uri);
        const doc = await vscode.workspace.openTextDocument(uri);
        const line = Math.min(Math.max(0, s.line - 1), doc.lineCount - 1);
        const range = doc.lineAt(line).range;
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: range, preserveFocus: false });
        return;
      }
      case 'compare': {
        const f = await this.host.simulateFixed(r);
        if (!f) this.post({ type: 'compare', verdict: 'error', statesExplored: 0, ms: 0, reason: 'the simulation did not run' });
        else this.post({ type: 'compare', verdict: f.verdict, statesExplored: f.statesExplored, ms: f.ms, reason: f.reason });
        return;
      }
      case 'save': {
        const base = vscode.Uri.parse(r.uri);
        const target = await vscode.window.showSaveDialog({
          defaultUri: vscode.Uri.joinPath(base, '..', `${r.function || 'trace'}.hptrace`),
          filters: { 'Hotplug trace': ['hptrace'] },
        });
        if (!target) return;
        await vscode.workspace.fs.writeFile(target, Buffer.from(r.text, 'utf8'));
        void vscode.window.showInformationMessage(`Saved the trace to ${target.fsPath}`);
        return;
      }
      case 'copy':
        await vscode.env.clipboard.writeText(r.text);
        void vscode.window.setStatusBarMessage('Hotplug trace copied', 2000);
        return;
      case 'ready':
      case 'select':
        return;
    }
  }

  dispose(): void {
    if (SimPanel.current === this) SimPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
