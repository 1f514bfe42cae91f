// The shared state every LSP feature gets: connection, open documents, the project, settings, findings, logging.
import type { Connection } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import type { Finding } from '../core/types';
import type { KnowledgeBase } from '../core/kb/kb';
import type { Project } from '../core/project';
import type { Settings } from './settings';
import type { Documents } from './documents';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
  /** Only when hotplugRace.trace.server is 'verbose'. */
  trace(message: string): void;
}

export type CommandHandler = (args: unknown[]) => unknown | Promise<unknown>;

export interface ServerContext {
  readonly connection: Connection;
  /** Open documents, kept in sync incrementally; `get(uri)` has the current text and version. */
  readonly documents: Documents;
  /** The current project. It is replaced when the knowledge base changes (rules file, settings): do not keep it. */
  project(): Project;
  settings(): Settings;
  /** False when the client said the workspace is untrusted: workspace rules are then ignored. */
  readonly trusted: boolean;
  /** Workspace folder paths (fs paths). */
  folders(): string[];
  /** Current findings of a document as shown (severity from settings, codes set to 'off' removed). */
  findings(uri: string): Finding[];
  /** Called after the findings of `uri` were recomputed and published. */
  onFindingsChanged(listener: (uri: string) => void): void;
  fireFindingsChanged(uri: string): void;
  /** workspace/executeCommand is one handler on the connection; features add their commands here. */
  registerCommand(command: string, handler: CommandHandler): void;
  /** Wraps a handler so that an exception is logged and `fallback` returned instead of crashing the server. */
  guard<A extends unknown[], R>(name: string, fn: (...args: A) => R, fallback?: Awaited<R>): (...args: A) => R | Promise<Awaited<R> | undefined>;
  readonly log: Logger;
  /** Debounce of re-analysis after an edit (initializationOptions.debounceMs, default 75). */
  readonly debounceMs: number;
  onSettingsChanged(listener: (s: Settings) => void): void;
  /** After the project was replaced (knowledge base or budget changed): everything must be recomputed. */
  onProjectReset(listener: () => void): void;
  /** Replace the project with one on `kb` (rules changed); open documents are re-added. */
  resetProject(kb: KnowledgeBase): void;
  /** Give queued edits of an open document to the project, so its tree matches the document text. Call before using project() on an open document. */
  flush(uri: string): void;
  /** workspace/didChangeWatchedFiles fanned out (fs paths); the index registers the watchers. */
  onWatchedFilesChanged(listener: (changes: { file: string; type: 'created' | 'changed' | 'deleted' }[]) => void): void;
  /** The background index finished a pass: findings across files are now complete. */
  onIndexed(listener: () => void): void;
  fireIndexed(): void;
  /** True when settings exclude `file` (glob relative to its workspace folder). */
  isExcluded(file: string): boolean;
  /** window/showMessage (a notification) plus the same line in the log. */
  showMessage(kind: 'info' | 'warning' | 'error', message: string): void;
  /** Resolves once the first settings and rules are loaded; analysis of opened documents waits for it. */
  readonly ready: Promise<void>;
  /** The client's initializationOptions. */
  readonly initOptions: Record<string, unknown>;
  /** Client capabilities of interest. */
  readonly client: { configuration: boolean; watchedFilesDynamic: boolean; workDoneProgress: boolean };
}

/** The project's name for a document: its fs path for file: URIs, else the URI itself. */
export function uriToFile(uri: string): string {
  try {
    const u = URI.parse(uri);
    return u.scheme === 'file' ? u.fsPath : uri;
  } catch {
    return uri;
  }
}

export function fileToUri(file: string): string {
  return /^[a-z][a-z0-9+.-]+:/i.test(file) && !/^[a-z]:[\\/]/i.test(file) ? file : URI.file(file).toString();
}

export type { TextDocument };
