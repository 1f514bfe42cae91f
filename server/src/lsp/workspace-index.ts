// Background index of every C/H file in the workspace folders, so summaries across files are known.
// Reports work-done progress, yields to the event loop between files, and follows changes on disk.
import * as fs from 'fs';
import * as path from 'path';
import picomatch from 'picomatch';
import { DidChangeWatchedFilesNotification, FileChangeType, WatchKind } from 'vscode-languageserver/node';
import { type ServerContext, uriToFile } from './context';

const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);
/** Yield to pending requests after this much work. */
const SLICE_MS = 15;

/** True when `file` matches an exclude glob relative to the workspace folder that contains it. */
export function isExcludedBy(folders: readonly string[], exclude: readonly string[], file: string): boolean {
  if (!exclude.length) return false;
  const matchers = exclude.map((g) => picomatch(g, { dot: true }));
  for (const folder of folders) {
    const rel = path.relative(folder, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
    const posix = rel.split(path.sep).join('/');
    if (matchers.some((m) => m(posix))) return true;
  }
  return false;
}

export function isCSource(file: string): boolean {
  return /\.[ch]$/i.test(file);
}

/** Why a file on disk is not indexed, or undefined. Reads at most maxFileSize bytes. */
export function readIndexable(file: string, maxFileSize: number): { text?: string; skipped?: 'size' | 'binary' | 'unreadable' } {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return { skipped: 'unreadable' };
    if (st.size > maxFileSize) return { skipped: 'size' };
    const buf = fs.readFileSync(file);
    if (buf.includes(0)) return { skipped: 'binary' };
    return { text: buf.toString('utf8') };
  } catch {
    return { skipped: 'unreadable' };
  }
}

/** Every C/H file under `dir` (no symlinked directories, so no cycles). */
async function collect(dir: string, out: string[], excluded: (file: string) => boolean, alive: () => boolean): Promise<void> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (!alive()) return;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name) && !excluded(full)) await collect(full, out, excluded, alive);
    } else if ((e.isFile() || e.isSymbolicLink()) && isCSource(e.name) && !excluded(full)) {
      out.push(full);
    }
  }
}

export function registerWorkspaceIndex(ctx: ServerContext): void {
  let generation = 0;
  const indexed = new Set<string>();
  const told = new Set<string>();
  let refreshTimer: NodeJS.Timeout | undefined;

  const tellOnce = (kind: string, message: string): void => {
    if (told.has(kind)) return;
    told.add(kind);
    ctx.showMessage('info', message);
  };

  const openFiles = (): Set<string> => new Set(ctx.documents.all().map((d) => uriToFile(d.uri)));

  const addFromDisk = (file: string): boolean => {
    const { text, skipped } = readIndexable(file, ctx.settings().maxFileSize);
    if (skipped === 'size') tellOnce('size', `Hotplug Race: files larger than hotplugRace.maxFileSize are not indexed (first: ${file}).`);
    if (skipped === 'binary') tellOnce('binary', `Hotplug Race: binary files are not indexed (first: ${file}).`);
    if (text === undefined) {
      if (indexed.delete(file)) ctx.project().removeFile(file);
      return false;
    }
    ctx.project().setFile(file, text);
    indexed.add(file);
    return true;
  };

  const run = async (): Promise<void> => {
    const gen = ++generation;
    const alive = () => gen === generation;
    const folders = ctx.folders();
    if (!folders.length) {
      ctx.fireIndexed();
      return;
    }
    const progress = ctx.client.workDoneProgress ? await ctx.connection.window.createWorkDoneProgress() : undefined;
    progress?.begin('Hotplug Race: indexing', 0, 'collecting C files', false);
    const t0 = Date.now();
    try {
      const files: string[] = [];
      for (const folder of folders) await collect(folder, files, (f) => ctx.isExcluded(f), alive);
      if (!alive()) return;
      const open = openFiles();
      const now = new Set(files);
      for (const file of indexed) if (!now.has(file) && !open.has(file)) ctx.project().removeFile(file);
      indexed.clear();
      let slice = Date.now();
      let lastPercent = -1;
      for (let i = 0; i < files.length; i++) {
        if (!alive()) return;
        if (!open.has(files[i])) {
          try {
            addFromDisk(files[i]);
          } catch (err) {
            ctx.log.error(`hotplug-race: indexing ${files[i]} failed`, err);
          }
        } else indexed.add(files[i]);
        if (Date.now() - slice > SLICE_MS) {
          const percent = Math.floor((i * 100) / files.length);
          if (percent !== lastPercent) progress?.report(percent, `${i}/${files.length} files`);
          lastPercent = percent;
          await new Promise((r) => setImmediate(r));
          slice = Date.now();
        }
      }
      ctx.log.info(`hotplug-race: indexed ${indexed.size} of ${files.length} C files in ${Date.now() - t0} ms`);
      ctx.fireIndexed();
    } finally {
      progress?.done();
    }
  };
  const start = (): void => {
    void ctx.guard('index workspace', run)();
  };

  let started = false;
  let lastKey = '';
  ctx.onSettingsChanged((s) => {
    // Re-index only when what is indexed can change.
    const key = JSON.stringify([ctx.folders(), s.exclude, s.maxFileSize]);
    if (started && key === lastKey) return;
    started = true;
    lastKey = key;
    if (ctx.client.watchedFilesDynamic) {
      void ctx.connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [
          { globPattern: '**/*.{c,h}', kind: WatchKind.Create | WatchKind.Change | WatchKind.Delete },
          { globPattern: '**/.hotplug-race.json', kind: WatchKind.Create | WatchKind.Change | WatchKind.Delete },
        ],
      }).catch((err: unknown) => ctx.log.error('hotplug-race: registering file watchers failed', err));
      ctx.client.watchedFilesDynamic = false; // once is enough
    }
    start();
  });
  ctx.onProjectReset(() => {
    if (started) start();
  });

  ctx.onWatchedFilesChanged((changes) => {
    const open = openFiles();
    let touched = false;
    for (const c of changes) {
      if (!isCSource(c.file) || open.has(c.file)) continue;
      if (c.type === 'deleted') {
        if (indexed.delete(c.file)) ctx.project().removeFile(c.file);
        touched = true;
      } else if (!ctx.isExcluded(c.file) && ctx.folders().some((f) => !path.relative(f, c.file).startsWith('..'))) {
        addFromDisk(c.file);
        touched = true;
      }
    }
    if (touched) {
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(() => ctx.fireIndexed(), 100);
    }
  });

  // A closed document falls back to its text on disk (or leaves the project).
  ctx.documents.onDidClose((uri) => {
    const file = uriToFile(uri);
    if (indexed.has(file)) addFromDisk(file);
    else ctx.project().removeFile(file);
  });
}

export const FILE_CHANGE: Record<number, 'created' | 'changed' | 'deleted'> = {
  [FileChangeType.Created]: 'created',
  [FileChangeType.Changed]: 'changed',
  [FileChangeType.Deleted]: 'deleted',
};
