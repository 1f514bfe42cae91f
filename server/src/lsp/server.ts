// The language server: capabilities, the shared context, and the list of features.
// To add a feature: write server/src/lsp/<feature>.ts exporting `registerX(ctx: ServerContext)` and add it to FEATURES.
import {
  CodeActionKind,
  type Connection,
  DidChangeConfigurationNotification,
  ErrorCodes,
  ResponseError,
  MessageType,
  ShowMessageNotification,
  type InitializeParams,
  type InitializeResult,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { KnowledgeBase } from '../core/kb/kb';
import { Project } from '../core/project';
import { packageVersion } from '../core/package-root';
import type { Finding } from '../core/types';
import { type CommandHandler, type Logger, type ServerContext, uriToFile } from './context';
import { Documents } from './documents';
import { DEFAULT_SETTINGS, effectiveSeverity, parseSettings, type Settings } from './settings';
import { registerDiagnostics, skipReason } from './diagnostics';
import { registerHover } from './hover';
import { registerRules } from './rules';
import { FILE_CHANGE, isExcludedBy, registerWorkspaceIndex } from './workspace-index';
import { releaseTrees } from './memory';

type Feature = (ctx: ServerContext) => void;

/** Features of this server. Order matters only for listeners of the same event. */
const FEATURES: Feature[] = [
  registerRules,
  registerDiagnostics,
  registerHover,
  registerWorkspaceIndex,
];

/** Features owned by other modules, loaded if built: [module, export]. A missing one is logged, not fatal. */
const OPTIONAL_FEATURES: [string, string][] = [
  ['./code-actions', 'registerCodeActions'],
  ['./code-lens', 'registerCodeLens'],
  ['./simulate', 'registerSimulate'],
];

export const COMMANDS = ['hotplugRace.applyAllFixes', 'hotplugRace.simulate.server'];

export function startServer(connection: Connection): void {
  const documents = new Documents();
  const commands = new Map<string, CommandHandler>();
  const findingsListeners: ((uri: string) => void)[] = [];
  const settingsListeners: ((s: Settings) => void)[] = [];
  const resetListeners: (() => void)[] = [];
  const watchListeners: ((changes: { file: string; type: 'created' | 'changed' | 'deleted' }[]) => void)[] = [];
  const indexedListeners: (() => void)[] = [];
  let settings: Settings = { ...DEFAULT_SETTINGS };
  let kb = KnowledgeBase.builtin();
  let project = new Project(kb, { functionBudgetMs: settings.functionBudgetMs, fileBudgetMs: settings.fileBudgetMs });
  let folders: string[] = [];
  let trusted = true;
  let debounceMs = 75;
  let initOptions: Record<string, unknown> = {};
  let folderEvents = false;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const client = { configuration: false, watchedFilesDynamic: false, workDoneProgress: false };

  const log: Logger = {
    info: (m) => connection.console.info(m),
    warn: (m) => connection.console.warn(m),
    error: (m, err) => connection.console.error(err === undefined ? m : `${m}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`),
    trace: (m) => {
      if (settings.trace === 'verbose') connection.console.log(m);
    },
  };

  function guard<A extends unknown[], R>(name: string, fn: (...args: A) => R, fallback?: Awaited<R>) {
    return (...args: A): R | Promise<Awaited<R> | undefined> => {
      try {
        const r = fn(...args);
        if (r instanceof Promise) {
          return r.catch((err: unknown) => {
            log.error(`hotplug-race: ${name} failed`, err);
            return fallback;
          }).finally(releaseTrees);
        }
        return r;
      } catch (err) {
        log.error(`hotplug-race: ${name} failed`, err);
        return fallback as R;
      } finally {
        // Every handler may have parsed: free the dead trees once enough piled up (lsp/memory.ts).
        releaseTrees();
      }
    };
  }

  function flush(uri: string): void {
    const doc = documents.get(uri);
    if (!doc) return;
    const edits = documents.takeEdits(uri);
    if (edits === undefined) return;
    // A document that diagnostics skip (size, binary, exclude) is not parsed for hovers and code actions either.
    if (skipReason(ctx, uri, doc.getText())) project.removeFile(uriToFile(uri));
    else project.setFile(uriToFile(uri), doc.getText(), edits ?? undefined);
  }

  const ctx: ServerContext = {
    connection,
    documents,
    project: () => project,
    settings: () => settings,
    get trusted() {
      return trusted;
    },
    folders: () => folders,
    findings(uri: string): Finding[] {
      flush(uri);
      const out: Finding[] = [];
      for (const f of project.findings(uriToFile(uri))) {
        const severity = effectiveSeverity(settings, f.code, f.severity);
        if (severity) out.push(severity === f.severity ? f : { ...f, severity });
      }
      return out;
    },
    onFindingsChanged: (l) => void findingsListeners.push(l),
    fireFindingsChanged: (uri) => {
      for (const l of findingsListeners) guard('findings listener', l)(uri);
    },
    registerCommand: (command, handler) => void commands.set(command, handler),
    guard,
    log,
    get debounceMs() {
      return debounceMs;
    },
    onSettingsChanged: (l) => void settingsListeners.push(l),
    onProjectReset: (l) => void resetListeners.push(l),
    resetProject(next: KnowledgeBase) {
      kb = next;
      project = new Project(kb, { functionBudgetMs: settings.functionBudgetMs, fileBudgetMs: settings.fileBudgetMs });
      documents.clearPending();
      for (const doc of documents.all()) if (!skipReason(ctx, doc.uri, doc.getText())) project.setFile(uriToFile(doc.uri), doc.getText());
      for (const l of resetListeners) guard('project reset listener', l)();
    },
    flush,
    showMessage(kind, message) {
      // A notification, not window/showMessageRequest: nothing to await, nothing to reject.
      const type = kind === 'error' ? MessageType.Error : kind === 'warning' ? MessageType.Warning : MessageType.Info;
      void connection.sendNotification(ShowMessageNotification.type, { type, message }).catch(() => undefined);
      log[kind === 'warning' ? 'warn' : kind](message);
    },
    onWatchedFilesChanged: (l) => void watchListeners.push(l),
    onIndexed: (l) => void indexedListeners.push(l),
    fireIndexed: () => {
      for (const l of indexedListeners) guard('indexed listener', l)();
    },
    isExcluded: (file) => isExcludedBy(folders, settings.exclude, file),
    ready,
    get initOptions() {
      return initOptions;
    },
    client,
  };

  connection.onInitialize(guard('initialize', (params: InitializeParams): InitializeResult => {
    initOptions = isRecord(params.initializationOptions) ? params.initializationOptions : {};
    trusted = initOptions.trusted !== false;
    if (typeof initOptions.debounceMs === 'number' && initOptions.debounceMs >= 0) debounceMs = initOptions.debounceMs;
    const caps = params.capabilities;
    client.configuration = !!caps.workspace?.configuration;
    client.watchedFilesDynamic = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    client.workDoneProgress = !!caps.window?.workDoneProgress;
    folderEvents = !!caps.workspace?.workspaceFolders;
    folders = (params.workspaceFolders ?? []).map((f) => uriToFile(f.uri));
    if (!folders.length && params.rootUri) folders = [uriToFile(params.rootUri)];
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, 'source.fixAll.hotplug-race'], resolveProvider: false },
        codeLensProvider: { resolveProvider: false },
        executeCommandProvider: { commands: COMMANDS },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'hotplug-race', version: packageVersion() },
    };
  }, { capabilities: {} }) as (p: InitializeParams) => InitializeResult);

  function applySettings(raw: unknown): void {
    const { settings: next, problems } = parseSettings(raw);
    for (const p of problems) ctx.showMessage('warning', `Hotplug Race: ${p}`);
    const budgetChanged = next.functionBudgetMs !== settings.functionBudgetMs || next.fileBudgetMs !== settings.fileBudgetMs;
    settings = next;
    if (budgetChanged) ctx.resetProject(kb);
    for (const l of settingsListeners) guard('settings listener', l)(settings);
  }

  async function pullSettings(): Promise<void> {
    const raw = await connection.workspace.getConfiguration({ section: 'hotplugRace' });
    applySettings(raw);
  }

  connection.onInitialized(guard('initialized', async () => {
    if (client.configuration) connection.client.register(DidChangeConfigurationNotification.type, { section: 'hotplugRace' });
    // vscode-languageserver throws here for a client without workspace folders; that must not stop the settings below.
    if (folderEvents) {
      connection.workspace.onDidChangeWorkspaceFolders(guard('workspace folders', (e) => {
        const removed = new Set(e.removed.map((f) => uriToFile(f.uri)));
        folders = [...folders.filter((f) => !removed.has(f)), ...e.added.map((f) => uriToFile(f.uri))];
        for (const l of settingsListeners) guard('settings listener', l)(settings);
      }));
    }
    try {
      // A client that never answers must not keep the first diagnostics back for long.
      if (client.configuration) await Promise.race([pullSettings(), new Promise((r) => setTimeout(r, 3000))]);
      else applySettings(initOptions.settings);
    } finally {
      markReady();
    }
  }));

  connection.onDidChangeWatchedFiles(guard('didChangeWatchedFiles', (p) => {
    const changes = p.changes.map((c) => ({ file: uriToFile(c.uri), type: FILE_CHANGE[c.type] ?? 'changed' }));
    for (const l of watchListeners) guard('watched files listener', l)(changes);
  }));

  connection.onDidChangeConfiguration(guard('didChangeConfiguration', async (p) => {
    if (client.configuration) await pullSettings();
    else if (isRecord(p.settings)) applySettings(p.settings.hotplugRace);
  }));

  connection.onExecuteCommand(guard('executeCommand', async (p) => {
    const handler = commands.get(p.command);
    // A client's mistake, answered as such; not a server error.
    if (!handler) return new ResponseError(ErrorCodes.InvalidParams, `unknown command ${p.command}`);
    return handler(p.arguments ?? []);
  }));

  documents.listen(connection, guard);
  for (const feature of FEATURES) guard(`register ${feature.name}`, feature)(ctx);
  // A module that was also added to FEATURES is not registered twice.
  const registered = new Set(FEATURES.map((f) => f.name));
  for (const [mod, name] of OPTIONAL_FEATURES) if (!registered.has(name)) loadOptional(ctx, mod, name);

  process.on('uncaughtException', (err) => log.error('hotplug-race: uncaught exception', err));
  process.on('unhandledRejection', (err) => log.error('hotplug-race: unhandled rejection', err));
  connection.listen();
}

function loadOptional(ctx: ServerContext, mod: string, name: string): void {
  let register: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    register = require(mod)[name];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((err as Error).message).includes(mod.slice(2))) {
      ctx.log.info(`hotplug-race: feature ${mod.slice(2)} is not built; skipped`);
      return;
    }
    ctx.log.error(`hotplug-race: loading ${mod} failed`, err);
    return;
  }
  if (typeof register !== 'function') {
    ctx.log.error(`hotplug-race: ${mod} does not export ${name}()`);
    return;
  }
  ctx.guard(`register ${name}`, register as Feature)(ctx);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
