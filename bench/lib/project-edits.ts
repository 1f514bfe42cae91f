// In-process editor-latency driver: the same edits as bench/lsp-latency.ts (a space typed and deleted at a line's
// end, a comment line inserted and removed), applied with Project.setFile(+tree edits) then findings(), without
// the LSP layer. Used to profile the core (`node --cpu-prof`) and, with --check, to compare the findings after
// every edit with those of a fresh Project on the same text.
// Usage: node out/bench/lib/project-edits.js [FILE | --generate N] [--edits N] [--check] [--profile OUT.cpuprofile]
// (--profile: a CPU profile of the edits only, without the first analysis)
import * as fs from 'fs';
import * as inspector from 'inspector';
import { Project, type TreeEdit } from '../../server/src/core/project';
import { KnowledgeBase } from '../../server/src/core/kb/kb';
import type { Finding } from '../../server/src/core/types';
import { generateKernelFile } from './gen-kernel-file';
import { median, percentile } from './proc';

/** Lines worth editing: indented code lines inside bodies, spread over the file (as bench/lsp-latency.ts). */
function editLines(text: string, count: number): number[] {
  const lines = text.split('\n');
  const body: number[] = [];
  lines.forEach((l, i) => {
    if (/^\t+\S/.test(l) && !l.trimEnd().endsWith('\\')) body.push(i);
  });
  const out: number[] = [];
  for (let k = 0; k < count; k++) out.push(body[Math.floor((k * body.length) / count)] ?? 0);
  return out;
}

function lineStart(text: string, line: number): number {
  let at = 0;
  for (let i = 0; i < line; i++) at = text.indexOf('\n', at) + 1;
  return at;
}

/** Replaces [start, end) of `text` (on one line `row`, or up to the next line start) and returns the tree edit. */
function apply(text: string, start: number, end: number, insert: string, row: number, col: number): { text: string; edit: TreeEdit } {
  const removed = text.slice(start, end);
  const oldEnd = removed.includes('\n') ? { row: row + 1, column: 0 } : { row, column: col + removed.length };
  const newEnd = insert.includes('\n') ? { row: row + 1, column: 0 } : { row, column: col + insert.length };
  return {
    text: text.slice(0, start) + insert + text.slice(end),
    edit: { startIndex: start, oldEndIndex: end, newEndIndex: start + insert.length, startPosition: { row, column: col }, oldEndPosition: oldEnd, newEndPosition: newEnd },
  };
}

/** A comparable form of a finding (everything the editor shows). */
export function findingKey(f: Finding): string {
  return `${f.code}|${f.severity}|${f.function}|${f.span.start}-${f.span.end}|${f.span.startLine}:${f.span.startCol}|${f.message}|${f.related.map((r) => `${r.file}@${r.span.start}:${r.message}`).join(';')}|${f.witness.map((w) => `${w.event.callee}@${w.event.span.start}${w.outcome ?? ''}`).join(',')}`;
}

export interface EditRun {
  samples: number[];
  median: number;
  p95: number;
  mismatches: number;
  findings: number;
}

export function runEdits(file: string, text: string, opts: { edits?: number; check?: boolean; profile?: string } = {}): EditRun {
  const kb = KnowledgeBase.builtin();
  const project = new Project(kb);
  project.setFile(file, text);
  const initial = project.findings(file).length;
  const edits = opts.edits ?? 200;
  const targets = editLines(text, Math.ceil(edits / 2));
  const samples: number[] = [];
  let mismatches = 0;
  let cur = text;
  let session: inspector.Session | undefined;
  if (opts.profile) {
    session = new inspector.Session();
    session.connect();
    session.post('Profiler.enable');
    session.post('Profiler.start');
  }
  for (let k = 0; k < edits; k++) {
    const line = targets[k >> 1];
    const undo = k % 2 === 1;
    const ls = lineStart(cur, line);
    const le = cur.indexOf('\n', ls) < 0 ? cur.length : cur.indexOf('\n', ls);
    let r: { text: string; edit: TreeEdit };
    if ((k >> 1) % 2 === 0) r = undo ? apply(cur, le - 1, le, '', line, le - 1 - ls) : apply(cur, le, le, ' ', line, le - ls);
    else r = undo ? apply(cur, ls, le + 1, '', line, 0) : apply(cur, ls, ls, '\t/* edit */\n', line, 0);
    cur = r.text;
    const t0 = performance.now();
    project.setFile(file, cur, [r.edit]);
    const got = project.findings(file);
    samples.push(performance.now() - t0);
    if (opts.check) {
      const fresh = new Project(kb);
      fresh.setFile(file, cur);
      // A time-budget HP900 depends on the machine's load at that moment, not on the analysis: left out.
      const timed = (f: Finding) => !(f.code === 'HP900' && f.message.includes('time budget'));
      const a = got.filter(timed).map(findingKey).join('\n');
      const b = fresh.findings(file).filter(timed).map(findingKey).join('\n');
      if (a !== b) {
        mismatches++;
        if (mismatches <= 3) {
          const bs = new Set(b.split('\n'));
          const as = new Set(a.split('\n'));
          console.error(`edit ${k}: findings differ from a fresh project (${got.length} vs ${fresh.findings(file).length})`);
          for (const x of as) if (!bs.has(x)) console.error(`  only incremental: ${x}`);
          for (const x of bs) if (!as.has(x)) console.error(`  only fresh:       ${x}`);
        }
      }
    }
  }
  if (session) {
    session.post('Profiler.stop', (err, r) => {
      if (!err) fs.writeFileSync(opts.profile!, JSON.stringify(r.profile));
      session!.disconnect();
    });
  }
  return { samples, median: median(samples), p95: percentile(samples, 95), mismatches, findings: initial };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const gen = opt('--generate');
  const edits = Number(opt('--edits') ?? 200);
  const check = args.includes('--check');
  const profile = opt('--profile');
  const file = gen ? '/tmp/hotplug-race-gen.c' : args.filter((a) => !a.startsWith('--'))[0];
  const text = gen ? generateKernelFile(Number(gen)) : fs.readFileSync(file, 'utf8');
  const r = runEdits(file, text, { edits, check, profile });
  console.log(JSON.stringify({ file, lines: text.split('\n').length, edits: r.samples.length, findings: r.findings, median: +r.median.toFixed(1), p95: +r.p95.toFixed(1), max: +Math.max(...r.samples).toFixed(1), mismatches: check ? r.mismatches : undefined }));
}
