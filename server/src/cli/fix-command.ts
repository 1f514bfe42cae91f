// `hotplug-race fix [PATH ...] [--write]`: applies every verified preferred fix. Prints a unified diff that
// `git apply` accepts (paths relative to the cwd), or edits the files in place with --write.
// Exit 0: nothing fixable; 1: fixes printed or written; 2: usage or I/O error.
import * as fs from 'fs';
import * as path from 'path';
import { structuredPatch } from 'diff';
import { KnowledgeBase } from '../core/kb/kb';
import type { InputProblem, KbEntry } from '../core/types';
import { fixAll } from '../fix/fixes';
import { findingKey } from '../fix/verify';
import { Project } from '../core/project';
import { type CliIo, parseArgs, UsageError } from './args';
import { collectFiles, ScanInputError } from './scan-engine';

export const FIX_HELP = `Usage: hotplug-race fix [PATH ...] [options]

Applies the preferred quick fix of every fixable HP001/HP002/HP003 finding in *.c and *.h files
(directories are read recursively; default: the current directory). Each fix is verified first:
the fixed file must parse, lose the finding and gain no other.

Prints a unified diff (apply it with 'git apply'), or with --write edits the files in place.

Options:
  --write                    edit the files instead of printing a diff
  --rules FILE               extra knowledge-base rules (.hotplug-race.json format)
  --max-file-size BYTES      skip larger files (default 5242880)
  -q, --quiet                do not report findings that have no fix
  -h, --help                 this help

Exit codes: 0 nothing fixable, 1 fixes printed or written, 2 usage or I/O error.
`;

const FIXABLE = ['HP001', 'HP002', 'HP003'];

export async function run(argv: string[], io: CliIo): Promise<number> {
  let values: Record<string, string | boolean | string[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs(argv, {
      write: { type: 'boolean', short: 'w' },
      rules: { type: 'string' },
      'max-file-size': { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    }));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`hotplug-race fix: ${err.message}\n\n${FIX_HELP}`);
    return 2;
  }
  if (values.help) {
    io.out(FIX_HELP);
    return 0;
  }
  const max = values['max-file-size'] === undefined ? 5 * 1024 * 1024 : Number(values['max-file-size']);
  if (!Number.isInteger(max) || max < 1) {
    io.err('hotplug-race fix: --max-file-size must be a positive number of bytes\n');
    return 2;
  }
  let kb = KnowledgeBase.builtin();
  if (typeof values.rules === 'string') {
    const extra = loadRules(values.rules, io);
    if (!extra) return 2;
    kb = kb.extend(extra);
  }

  const cwd = io.cwd;
  const given = positionals.length ? positionals : ['.'];
  let files: string[];
  try {
    files = collectFiles(given.map((p) => path.resolve(cwd, p)), { onWarning: (m) => io.err(`hotplug-race fix: warning: ${m}\n`) });
  } catch (err) {
    if (err instanceof ScanInputError) {
      io.err(`hotplug-race fix: ${err.message}\n`);
      return 2;
    }
    throw err;
  }

  const project = new Project(kb, {});
  const texts = new Map<string, string>();
  for (const file of files) {
    const text = readSource(file, max, io);
    if (text === undefined) continue;
    project.setFile(file, text);
    texts.set(file, text);
  }

  let changed = 0;
  let failed = false;
  for (const [file, text] of texts) {
    const rel = path.relative(cwd, file).split(path.sep).join('/');
    let result;
    try {
      const findings = project.findings(file);
      if (!findings.some((f) => FIXABLE.includes(f.code))) continue;
      result = fixAll(project, file, text, kb.lexicon, findings);
    } catch (err) {
      io.err(`hotplug-race fix: ${rel}: ${err instanceof Error ? err.message : String(err)}\n`);
      failed = true;
      continue;
    }
    if (!values.quiet) {
      for (const r of result.refused) {
        io.err(`${rel}:${r.finding.span.startLine + 1}:${r.finding.span.startCol + 1}: note: no fix for ${r.finding.code} in ${r.finding.function}(): ${r.reason}\n`);
      }
    }
    if (result.newText === text) continue;
    // Fixes are verified within their file; a changed summary may still raise findings elsewhere.
    const othersBefore = otherFindings(project, texts.keys(), file);
    project.setFile(file, result.newText);
    const raised = newIn(othersBefore, otherFindings(project, texts.keys(), file));
    if (raised) {
      project.setFile(file, text);
      io.err(`${rel}: note: fixes not applied: they would raise ${raised}\n`);
      continue;
    }
    changed++;
    if (values.write) {
      try {
        fs.writeFileSync(file, result.newText);
      } catch (err) {
        io.err(`hotplug-race fix: cannot write ${rel}: ${(err as Error).message}\n`);
        failed = true;
        continue;
      }
      io.err(`${rel}: ${result.applied.length} fix${result.applied.length > 1 ? 'es' : ''} written\n`);
    } else {
      io.out(unifiedDiff(rel, text, result.newText));
    }
  }
  if (failed) return 2;
  return changed ? 1 : 0;
}

function otherFindings(project: Project, files: Iterable<string>, except: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of files) {
    if (f === except) continue;
    for (const x of project.findings(f)) {
      const k = `${f}|${findingKey(x)}`;
      m.set(k, (m.get(k) ?? 0) + 1);
    }
  }
  return m;
}

/** The first finding (as `CODE in file`) that `after` has more of than `before`. */
function newIn(before: Map<string, number>, after: Map<string, number>): string | undefined {
  for (const [k, n] of after) {
    if (n > (before.get(k) ?? 0)) {
      const [file, code] = k.split('|');
      return `${code} in ${file}`;
    }
  }
  return undefined;
}

/** A git-style unified diff of one file (a/ and b/ prefixes, CRLF kept inside the lines). */
export function unifiedDiff(rel: string, before: string, after: string): string {
  const patch = structuredPatch(`a/${rel}`, `b/${rel}`, before, after, '', '', { context: 3 });
  let out = `diff --git a/${rel} b/${rel}\n--- a/${rel}\n+++ b/${rel}\n`;
  for (const h of patch.hunks) {
    out += `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@\n`;
    for (const line of h.lines) out += `${line}\n`;
  }
  return out;
}

function readSource(file: string, max: number, io: CliIo): string | undefined {
  try {
    if (fs.statSync(file).size > max) {
      io.err(`hotplug-race fix: warning: ${file}: skipped, larger than ${max} bytes\n`);
      return undefined;
    }
    const buf = fs.readFileSync(file);
    if (buf.includes(0)) {
      io.err(`hotplug-race fix: warning: ${file}: skipped, binary file\n`);
      return undefined;
    }
    return buf.toString('utf8');
  } catch (err) {
    io.err(`hotplug-race fix: warning: ${file}: ${(err as Error).message}\n`);
    return undefined;
  }
}

function loadRules(file: string, io: CliIo): KbEntry[] | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    io.err(`hotplug-race fix: cannot read rules file ${file}: ${(err as Error).message}\n`);
    return undefined;
  }
  let loader: { loadRulesText(file: string, text: string): { entries: KbEntry[]; problems: InputProblem[] } };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loader = require('../core/kb/rules-file');
  } catch {
    io.err('hotplug-race fix: --rules is not available in this build (rules-file loader missing)\n');
    return undefined;
  }
  const { entries, problems } = loader.loadRulesText(file, text);
  for (const p of problems) {
    const where = p.span ? `${file}:${p.span.startLine + 1}:${p.span.startCol + 1}` : `${file}:1:1`;
    io.err(`${where}: ${p.severity === 'error' ? 'error' : 'warning'}: ${p.message}\n`);
  }
  return problems.some((p) => p.severity === 'error') ? undefined : entries;
}
