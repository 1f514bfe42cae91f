// Status bar item showing the language server's state.
import * as vscode from 'vscode';

export type ServerState = 'starting' | 'ready' | 'indexing' | 'crashed-restarting' | 'stopped';

const LOOK: Record<ServerState, { icon: string; text: string; tip: string }> = {
  starting: { icon: '$(sync~spin)', text: 'starting', tip: 'The Hotplug Race server is starting.' },
  ready: { icon: '$(check)', text: 'ready', tip: 'The Hotplug Race server is ready.' },
  indexing: { icon: '$(sync~spin)', text: 'indexing', tip: 'The Hotplug Race server is indexing the workspace.' },
  'crashed-restarting': { icon: '$(warning)', text: 'restarting', tip: 'The Hotplug Race server crashed and is being restarted.' },
  stopped: { icon: '$(error)', text: 'stopped', tip: 'The Hotplug Race server is stopped. Click to restart it.' },
};

export class ServerStatus implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private current: ServerState = 'stopped';
  private currentDetail: string | undefined;
  /** The last states, oldest first (bounded); the extension-host tests read it. */
  readonly history: ServerState[] = [];
  private readonly changed = new vscode.EventEmitter<ServerState>();
  readonly onDidChange = this.changed.event;

  constructor() {
    this.item = vscode.window.createStatusBarItem('hotplugRace.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'Hotplug Race';
    this.set('starting');
    this.item.show();
  }

  get state(): ServerState {
    return this.current;
  }

  /** Why the server is in this state, when known (shown in the tooltip). */
  get detail(): string | undefined {
    return this.currentDetail;
  }

  /** `detail` is appended to the tooltip (e.g. why the server stopped, how many files are indexed). */
  set(state: ServerState, detail?: string): void {
    const look = LOOK[state];
    this.current = state;
    this.currentDetail = detail;
    if (this.history[this.history.length - 1] !== state) this.history.push(state);
    if (this.history.length > 50) this.history.shift();
    this.item.text = `${look.icon} Hotplug: ${look.text}`;
    this.item.tooltip = detail ? `${look.tip}\n${detail}` : look.tip;
    this.item.command = state === 'stopped' ? 'hotplugRace.restartServer' : 'hotplugRace.showOutput';
    this.item.backgroundColor =
      state === 'stopped' ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : state === 'crashed-restarting' ? new vscode.ThemeColor('statusBarItem.warningBackground')
      : undefined;
    this.changed.fire(state);
  }

  dispose(): void {
    this.item.dispose();
    this.changed.dispose();
  }
}
