// Builds witnesses by hand from the fixture C files, the way the analysis reports them (role events in order).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Event, KbEntry, Role, Span, WitnessStep } from '../../../server/src/core/types';
import type { ProgramInput } from '../../../server/src/sim/program';

export const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures/sim');

const VEC = ['RESCHEDULE', 'CALL_FUNCTION', 'DEBUG', 'CALL_FUNCTION_SINGLE', 'IRQ_WORK'];
const ENTRIES: Record<string, Omit<KbEntry, 'name' | 'source' | 'kind'>> = {
  native_cpu_up: { role: 'online-sync', cpuArg: 0 },
  HYPERVISOR_vcpu_op: { role: 'online-kick', cpuArg: 1 },
  set_cpu_online: { role: 'online-direct', cpuArg: 0 },
  xen_smp_intr_init: { role: 'ipi-setup', cpuArg: 0, returnsStatus: true, vectors: VEC },
  xen_smp_intr_free: { role: 'ipi-teardown', cpuArg: 0, vectors: VEC },
  ipi_setup: { role: 'ipi-setup', cpuArg: 0 },
  ipi_teardown: { role: 'ipi-teardown', cpuArg: 0 },
  common_cpu_die: { role: 'offline-wait', cpuArg: 0 },
};

export function read(name: string): { file: string; text: string } {
  const file = path.join(FIXTURES, name);
  return { file, text: fs.readFileSync(file, 'utf8') };
}

export function spanOf(text: string, needle: string, from = 0): Span {
  const start = text.indexOf(needle, from);
  if (start < 0) throw new Error(`not in fixture: ${needle}`);
  const end = start + needle.length;
  const pos = (o: number) => {
    const before = text.slice(0, o).split('\n');
    return { line: before.length - 1, col: before[before.length - 1].length };
  };
  const a = pos(start);
  const b = pos(end);
  return { start, end, startLine: a.line, startCol: a.col, endLine: b.line, endCol: b.col };
}

export function lineOf(text: string, needle: string, from = 0): number {
  return spanOf(text, needle, from).startLine + 1;
}

/** One witness step: `call` is the call text in the fixture, searched after `after` (a function header). */
export function step(text: string, after: string, call: string, opts: { cpu?: string; role?: Role; via?: string[]; outcome?: WitnessStep['outcome'] } = {}): WitnessStep {
  const base = text.indexOf(after);
  const callee = call.slice(0, call.indexOf('('));
  const kb = opts.via ? opts.via[opts.via.length - 1] : callee;
  const e = ENTRIES[kb];
  if (!e) throw new Error(`no entry for ${kb}`);
  const span = spanOf(text, call, base);
  const cpu = opts.cpu ?? 'cpu';
  const event: Event = {
    role: opts.role ?? e.role,
    cpu,
    cpuText: cpu === 'self' ? 'cpu' : cpu,
    callee,
    span,
    stmtSpan: span,
    callSite: 0,
    via: opts.via ?? [callee],
    entry: { name: kb, kind: 'function', source: 'test', ...e, role: opts.role ?? e.role },
  };
  return { event, outcome: opts.outcome };
}

export function input(file: string, fn: string, witness: WitnessStep[], extra: Partial<ProgramInput> = {}): ProgramInput {
  return { function: fn, file, side: 'bp', cpu: 'cpu', cpuText: 'cpu', witness, ...extra };
}
