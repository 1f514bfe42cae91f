// The .hptrace text format (syntaxes/hptrace.tmLanguage.json highlights it): a header, then one line per step:
//   step | lane | actor | action | file:line | state after the step
import * as path from 'node:path';
import type { SimResult, TraceStep } from './model';

export function traceText(r: SimResult): string {
  const out: string[] = [];
  out.push('# hotplug-race trace v1');
  out.push(`function: ${r.function}`);
  out.push(`file: ${r.file}`);
  out.push(`verdict: ${r.verdict}${r.fixed ? ' (fixed)' : ''}`);
  out.push(`cpus: CPU0=BP CPU1=AP${r.cpus > 0 ? ` CPU2..CPU${r.cpus + 1}=other` : ''}`);
  out.push(`states: ${r.statesExplored}`);
  out.push(`ms: ${r.ms}`);
  if (r.reason) out.push(`reason: ${oneLine(r.reason)}`);
  if (r.bug) out.push(`bug: ${oneLine(r.bug.message)}`);
  for (const n of r.notes) out.push(`note: ${oneLine(n)}`);
  if (r.trace.length) {
    out.push('');
    const w = {
      lane: Math.max(...r.trace.map((t) => t.lane.length)),
      actor: Math.max(...r.trace.map((t) => t.actor.length)),
      action: Math.min(90, Math.max(...r.trace.map((t) => oneLine(t.action).length))),
      where: Math.max(...r.trace.map((t) => where(t).length)),
    };
    for (const t of r.trace) {
      const cols = [
        (t.bug ? '!' : ' ') + String(t.step).padStart(3),
        t.lane.padEnd(w.lane),
        t.actor.padEnd(w.actor),
        oneLine(t.action).padEnd(w.action),
        where(t).padEnd(w.where),
        state(t),
      ];
      out.push(cols.join(' | '));
    }
  }
  return out.join('\n') + '\n';
}

function where(t: TraceStep): string {
  return t.file && t.line ? `${path.basename(t.file)}:${t.line}` : '-';
}

export function state(t: TraceStep): string {
  const ipi = Object.entries(t.ipiReady)
    .map(([v, ok]) => `${v}${ok ? '+' : '-'}`)
    .join(' ');
  return `online={${t.online.join(',')}} active={${t.active.join(',')}} irqs={${t.irqs.join(',')}} ipi[1]={${ipi}}`;
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}
