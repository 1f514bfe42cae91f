// Background index of every C/H file in the workspace folders, so summaries across files are known.
// Reports work-done progress, yields to the event loop between files, and follows changes on disk.
import * as fs from 'fs';
import * as path from 'path';
import picomatch from 'picomatch';
import { DidChangeWatchedFilesNotification, FileChangeType, WatchKind } from 'vscode-languageserver/node';
import { AdmissionGate, checkedTokens, relevantNameKinds, relevantNames, type StoreCache } from '../core/admission';
import { compileTokens, hasMatch, identifierPattern, prefilterFixpoint } from '../core/prefilter';
import type { Project } from '../core/project';
import { bareNames, searchFiles } from '../cli/scan-workers';
import { MemberTokens } from '../cli/member-tokens';
import { IndexUntilFailure, WordIndex, wordIndexBinary } from '../cli/word-index';
import { type ServerContext, uriToFile } from './context';
import { settle } from './memory';
import { MAX_BRACKET_DEPTH, MAX_LINE_LENGTH, shapeLimit } from './limits';

const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);
/** Workspaces with this many files are searched by ripgrep or worker threads. */
const BIG_SEARCH = 2000;
/** At most this many files are parsed into the index; a stated limit, not a stall on a whole kernel tree. */
export const INDEX_CAP = 4000;
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
export function readIndexable(file: string, maxFileSize: number): { text?: string; skipped?: 'size' | 'binary' | 'shape' | 'unreadable' } {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return { skipped: 'unreadable' };
    if (st.size > maxFileSize) return { skipped: 'size' };
    const buf = fs.readFileSync(file);
    if (buf.includes(0)) return { skipped: 'binary' };
    const text = buf.toString('utf8');
    if (shapeLimit(text)) return { skipped: 'shape' };
    return { text };
  } catch {
    return { skipped: 'unreadable' };
  }
}

/** Whether `file`, symlinks resolved, is inside one of `realFolders` (folders with their symlinks resolved). */
export function resolvesInside(realFolders: readonly string[], file: string): boolean {
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    return false;
  }
  return realFolders.some((f) => {
    const rel = path.relative(f, real);
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  });
}

export function realFoldersOf(folders: readonly string[]): string[] {
  return folders.map((f) => {
    try {
      return fs.realpathSync(f);
    } catch {
      return path.resolve(f);
    }
  });
}

/**
 * Every C/H file under `dir`. Symlinked directories are not entered (so no cycles); a symlinked file is taken
 * only when its target is inside a workspace folder, like `hotplug-race scan` without --follow-symlinks.
 */
async function collect(dir: string, out: string[], excluded: (file: string) => boolean, alive: () => boolean, realFolders: readonly string[]): Promise<void> {
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
      if (!SKIP_DIRS.has(e.name) && !excluded(full)) await collect(full, out, excluded, alive, realFolders);
    } else if (e.isFile() && isCSource(e.name) && !excluded(full)) {
      out.push(full);
    } else if (e.isSymbolicLink() && isCSource(e.name) && !excluded(full) && resolvesInside(realFolders, full)) {
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

  const tellShape = (file: string): void =>
    tellOnce('shape', `Hotplug Race: files with a line longer than ${MAX_LINE_LENGTH} characters or brackets nested more than ${MAX_BRACKET_DEPTH} deep are not indexed (first: ${file}).`);

  const tellSize = (file: string): void => tellOnce('size', `Hotplug Race: files larger than hotplugRace.maxFileSize are not indexed (first: ${file}).`);

  const openFiles = (): Set<string> => new Set(ctx.documents.all().map((d) => uriToFile(d.uri)));

  const addFromDisk = (file: string): boolean => {
    const { text, skipped } = readIndexable(file, ctx.settings().maxFileSize);
    if (skipped === 'size') tellSize(file);
    if (skipped === 'binary') tellOnce('binary', `Hotplug Race: binary files are not indexed (first: ${file}).`);
    if (skipped === 'shape') tellShape(file);
    if (text === undefined) {
      if (indexed.delete(file)) ctx.project().removeFile(file);
      return false;
    }
    ctx.project().setFile(file, text);
    indexed.add(file);
    return true;
  };

  /** Names that make a file relevant, from the last completed pass (knowledge base + summarised names). */
  let tokens = new Set<string>();
  /** Ops-table stores per file, kept across passes and disk changes while a file's text is the same. */
  const stores: StoreCache = new Map();

  const run = async (): Promise<void> => {
    const gen = ++generation;
    const alive = () => gen === generation;
    const folders = ctx.folders();
    if (!folders.length) {
      ctx.fireIndexed();
      return;
    }
    // A client that refuses the progress token still gets an index, just without progress.
    let wordIndex: IndexUntilFailure | undefined;
    const progress = ctx.client.workDoneProgress ? await ctx.connection.window.createWorkDoneProgress().catch(() => undefined) : undefined;
    if (!alive()) {
      progress?.done();
      return;
    }
    progress?.begin('Hotplug Race: indexing', 0, 'collecting C files', false);
    const t0 = Date.now();
    let slice = Date.now();
    const breathe = async (done: number, total: number, what: string): Promise<void> => {
      if (!alive()) throw new Cancelled();
      if (Date.now() - slice < SLICE_MS) return;
      progress?.report(Math.min(99, Math.floor((done * 100) / Math.max(1, total))), `${what} ${done}/${total}`);
      await settle();
      slice = Date.now();
      if (!alive()) throw new Cancelled();
    };
    try {
      const files: string[] = [];
      const realFolders = realFoldersOf(folders);
      for (const folder of folders) await collect(folder, files, (f) => ctx.isExcluded(f), alive, realFolders);
      if (!alive()) return;
      const open = openFiles();
      const max = ctx.settings().maxFileSize;
      const kbTokens = checkedTokens(ctx.project().kb);
      const admittedNow = new Set<string>();
      const gate = new AdmissionGate(ctx.project().kb);
      const seen = new Set<string>();
      // A big tree is read once, by the native word index, and every round is asked of it (ripgrep would read it
      // again each round); ripgrep or worker threads if it is not built or fails. It reads files over the size
      // limit too (unlike the CLI's), so that the one message about them comes only when one names something.
      const bin = files.length >= BIG_SEARCH ? wordIndexBinary() : undefined;
      wordIndex = new IndexUntilFailure(bin ? new WordIndex(files, bin) : undefined, (err) => {
        if (!alive()) throw new Cancelled();
        ctx.log.warn(`hotplug-race: index: the word index failed (${err.message}); searching with ripgrep instead`);
      });
      const searchedBy = new Set<string>();
      const kinds = new MemberTokens(kbTokens);
      // Only files that can matter are parsed: those naming a knowledge-base call, widened to the names
      // of functions that got a summary (and the ops-table fields they are stored in) until nothing changes.
      const result = await prefilterFixpoint(files, kbTokens, {
        search: async (rest, toks) => {
          ctx.log.trace(`hotplug-race: index: searching ${rest.length} files for ${toks.length} names (${Date.now() - t0} ms)`);
          const words = kinds.words(toks);
          if (rest.length >= BIG_SEARCH) {
            // A big tree: the word index, ripgrep or worker threads, off this thread. Binary files are then skipped
            // silently.
            const found = await wordIndex?.query(rest, words);
            searchedBy.add(found ? 'the word index' : 'ripgrep or worker threads');
            const hits = new Set(found ?? (await searchFiles(rest, bareNames(words), { roots: folders })));
            if (!alive()) throw new Cancelled();
            return rest.filter((f) => hits.has(f) || open.has(f));
          }
          searchedBy.add('this thread');
          const matcher = compileTokens(toks);
          const hits: string[] = [];
          for (let i = 0; i < rest.length; i++) {
            await breathe(i, rest.length, 'searching');
            const file = rest[i];
            if (open.has(file)) {
              hits.push(file);
              continue;
            }
            const buf = await readBuffer(file, max);
            if (buf === 'size') tellSize(file);
            else if (buf === 'binary') tellOnce('binary', `Hotplug Race: binary files are not indexed (first: ${file}).`);
            else if (buf && matcher.test(buf)) hits.push(file);
          }
          return hits;
        },
        admit: async (add, all) => {
          ctx.log.trace(`hotplug-race: index: reading ${add.length} files (${Date.now() - t0} ms)`);
          const pattern = identifierPattern(all);
          const fresh = [...all].filter((t) => !seen.has(t));
          for (const t of fresh) seen.add(t);
          const freshPattern = identifierPattern(fresh);
          const freshSet = new Set(fresh);
          // Files parsed earlier in this pass: their calls and stores through fields of the new names.
          if (freshPattern) for (const file of admittedNow) {
            const text = ctx.project().parsed(file)?.text;
            if (text && hasMatch(freshPattern, text)) gate.record(file, text, freshSet, freshPattern);
          }
          // Only hits whose token occurrences can change a finding are parsed (core/admission.ts); the others
          // wait as pending records, parsed later if a summary makes their calls matter.
          let queue: [string, string | undefined][] = [];
          for (let i = 0; i < add.length; i++) {
            await breathe(i, add.length, 'reading');
            const file = add[i];
            if (admittedNow.has(file)) continue;
            if (open.has(file)) {
              admittedNow.add(file);
              const text = ctx.project().parsed(file)?.text;
              if (text && pattern) gate.record(file, text, all, pattern);
              continue;
            }
            const { text, skipped } = readIndexable(file, max);
            if (skipped === 'shape') tellShape(file);
            else if (skipped === 'size') tellSize(file);
            if (text === undefined || !pattern) continue;
            if (gate.classify(file, text, all, pattern)) queue.push([file, text]);
          }
          let capped = false;
          // Until nothing more can matter (pending files can become due with no new parse in this round).
          for (;;) {
            for (let i = 0; i < queue.length; i++) {
              await breathe(i, queue.length, 'analysing');
              const [file, known] = queue[i];
              if (admittedNow.has(file)) continue;
              // Past the cap, the rest is dropped and widening stops.
              if (admittedNow.size >= INDEX_CAP) {
                capped = true;
                tellOnce('cap', `Hotplug Race: more than ${INDEX_CAP} files can matter; the index keeps ${INDEX_CAP}, so wrappers defined in the others are not followed.`);
                break;
              }
              admittedNow.add(file);
              gate.admitted(file);
              const text = known ?? readIndexable(file, max).text;
              if (text === undefined) continue;
              try {
                ctx.project().setFile(file, text);
                // Facts now, a file at a time, so the summaries later do not block for the whole tree at once.
                ctx.project().functions(file);
              } catch (err) {
                ctx.log.error(`hotplug-race: indexing ${file} failed`, err);
                continue;
              }
            }
            if (capped) break;
            queue = gate.due((f) => admittedNow.has(f), () => ctx.project().resolver()).map((f) => [f, undefined]);
            if (!queue.length) break;
          }
          if (capped) return [];
          const { names, fields } = relevantNameKinds(ctx.project(), admittedNow, stores);
          ctx.log.trace(`hotplug-race: index: ${names.size} summarised names and ${fields.size} fields, ${admittedNow.size} files parsed, ${gate.pendingCount} pending (${Date.now() - t0} ms)`);
          return { names: [...names, ...fields], again: kinds.functions(names), evicted: add.filter((f) => !admittedNow.has(f)) };
        },
      });
      if (!alive()) return;
      for (const file of indexed) if (!admittedNow.has(file) && !open.has(file)) ctx.project().removeFile(file);
      for (const file of stores.keys()) if (!admittedNow.has(file)) stores.delete(file);
      indexed.clear();
      for (const f of admittedNow) indexed.add(f);
      tokens = new Set(result.tokens);
      ctx.log.info(`hotplug-race: indexed ${files.length} C files in ${Date.now() - t0} ms; ${indexed.size} can matter (${result.rounds.length} prefilter rounds, searched by ${[...searchedBy].join(', ') || 'nothing'})`);
      ctx.fireIndexed();
    } catch (err) {
      if (!(err instanceof Cancelled)) throw err;
    } finally {
      wordIndex?.close();
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
    let widen = false;
    for (const c of changes) {
      if (!isCSource(c.file) || open.has(c.file)) continue;
      if (c.type === 'deleted') {
        if (indexed.delete(c.file)) ctx.project().removeFile(c.file);
        touched = true;
      } else if (!ctx.isExcluded(c.file) && ctx.folders().some((f) => !path.relative(f, c.file).startsWith('..')) && resolvesInside(realFoldersOf(ctx.folders()), c.file)) {
        if (!indexed.has(c.file) && !mentionsAny(c.file, tokens, ctx.settings().maxFileSize)) continue;
        if (!addFromDisk(c.file)) continue;
        touched = true;
        // A new summarised name can make other files relevant: widen with a full pass.
        if ([...relevantNames(ctx.project(), indexed, stores)].some((n) => !tokens.has(n))) widen = true;
      }
    }
    if (widen) start();
    else if (touched) {
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

class Cancelled extends Error {}

async function readBuffer(file: string, max: number): Promise<Buffer | 'size' | 'binary' | undefined> {
  try {
    const st = await fs.promises.stat(file);
    if (!st.isFile()) return undefined;
    if (st.size > max) return 'size';
    const buf = await fs.promises.readFile(file);
    return buf.includes(0) ? 'binary' : buf;
  } catch {
    return undefined;
  }
}

function mentionsAny(file: string, tokens: ReadonlySet<string>, max: number): boolean {
  if (!tokens.size) return false;
  try {
    if (fs.statSync(file).size > max) return false;
    return compileTokens(tokens).test(fs.readFileSync(file));
  } catch {
    return false;
  }
}
