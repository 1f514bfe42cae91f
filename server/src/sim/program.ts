// Programs taken from the code: a finding's witness (ordered role events) expands into BP and AP programs.
// KB calls become their modelled kernel sequences (kernel-kb.md §5.2, §5.6); workspace wrappers are already
// flattened in the witness, and their `via` chain names the steps.
import type { Event, Finding, WitnessStep } from '../core/types';
import type { Scenario, SimOp, SimSource } from './model';

/** The vectors the actors send always come first, so their bits are fixed (RESCHEDULE=0, ...). */
export const BASE_VECTORS = ['RESCHEDULE', 'CALL_FUNCTION', 'CALL_FUNCTION_SINGLE'];
export const VEC_RESCHEDULE = 0;
export const VEC_CALL_FUNCTION = 1;
export const VEC_CALL_FUNCTION_SINGLE = 2;
const MAX_VECTORS = 8;
const MAX_SETUPS = 4;
const MAX_OPS = 200;

export interface ProgramInput {
  function: string;
  file: string;
  side: 'bp' | 'ap';
  /** Normalised CPU key of the target and its text. */
  cpu: string;
  cpuText: string;
  /** The finding's code, when there is one; decides bring-up vs teardown. */
  code?: string;
  witness: WitnessStep[];
}

export class ModelError extends Error {}

export function inputFromFinding(f: Finding): ProgramInput {
  return { function: f.function, file: f.file, side: f.side, cpu: f.primary.cpu, cpuText: f.cpu, code: f.code, witness: f.witness };
}

const PUBLISH = new Set(['online-sync', 'online-kick', 'online-direct']);
const DOWN = new Set(['offline', 'offline-wait', 'ipi-teardown']);

/** Builds the scenario, or throws ModelError with a plain reason. */
export function buildScenario(input: ProgramInput): Scenario {
  const notes: string[] = [];
  const steps = input.witness.filter((w) => {
    const same = w.event.cpu === input.cpu;
    if (!same) notes.push(`${w.event.callee}(${w.event.cpuText}) acts on another CPU and is not modelled`);
    return same;
  });
  if (!steps.length) throw new ModelError(`no hot-plug events on CPU '${input.cpuText}' in ${input.function}()`);
  const hasPublish = steps.some((w) => PUBLISH.has(w.event.role));
  const hasDown = steps.some((w) => DOWN.has(w.event.role));
  const kind = input.code === 'HP003' || (!hasPublish && hasDown) ? 'teardown' : hasPublish || steps.some((w) => w.event.role === 'ipi-setup') ? 'bringup' : undefined;
  if (!kind) throw new ModelError(`${input.function}() has no publish, set-up or teardown on CPU '${input.cpuText}'`);
  if (input.code === 'HP004') throw new ModelError('HP004 (set-up registered in a hot-plug state) is not modelled by the simulator');

  const vectors = [...BASE_VECTORS];
  let managed = 0;
  const vecOf = (e: Event): number[] => {
    const names = e.entry.vectors?.length ? e.entry.vectors : BASE_VECTORS;
    return names.map((n) => {
      let i = vectors.indexOf(n);
      if (i < 0) {
        if (vectors.length >= MAX_VECTORS) throw new ModelError(`more than ${MAX_VECTORS} IPI vectors`);
        i = vectors.push(n) - 1;
      }
      return i;
    });
  };
  for (const w of steps) if (w.event.role === 'ipi-setup' || w.event.role === 'ipi-teardown') for (const v of vecOf(w.event)) managed |= 1 << v;

  const bp: SimOp[] = [];
  const ap: SimOp[] = [];
  const code = input.side === 'bp' ? bp : ap;
  let apModel: 'none' | 'up' | 'down' = 'none';
  let setups = 0;
  const checks: SimOp[] = [];
  const isXen = steps.some((w) => /^(xen_|bind_|HYPERVISOR_)/.test(w.event.entry.name));

  for (const w of steps) {
    const e = w.event;
    const where: SimSource = { file: input.file, span: e.span };
    const name = chain(e);
    const actor = input.function;
    switch (e.role) {
      case 'online-sync':
      case 'online-kick':
        if (input.side === 'ap') throw new ModelError(`${name} boots CPU '${e.cpuText}' from code that runs on that CPU; this cannot be modelled`);
        if (kind === 'teardown') throw new ModelError(`${name} publishes CPU '${e.cpuText}' online on a teardown path; this cannot be modelled`);
        code.push({ k: 'kick', actor, label: `${name}: start CPU 1`, source: where });
        if (e.role === 'online-sync') code.push({ k: 'waitOnline', actor, label: `${name}: wait until cpu_online(1)`, source: where });
        if (apModel === 'none') {
          apModel = 'up';
          const a = 'start_secondary';
          ap.push(
            { k: 'online', on: true, actor: a, label: 'set_cpu_online(1, true): CPU 1 is in cpu_online_mask', source: where },
            { k: 'waitActive', actor: a, label: 'wait until cpu_active(1)', source: where },
            { k: 'irq', on: true, actor: a, label: 'local_irq_enable()', source: where },
            { k: 'idle', on: true, actor: 'cpu_idle', label: 'enter the idle loop', source: where },
          );
        }
        break;
      case 'online-direct':
        code.push({ k: 'online', on: true, actor, label: `${name}: CPU 1 is in cpu_online_mask`, source: where });
        break;
      case 'offline':
        code.push({ k: 'online', on: false, actor, label: `${name}: CPU 1 leaves cpu_online_mask`, source: where });
        break;
      case 'offline-wait':
        if (input.side === 'ap') throw new ModelError(`${name} waits for CPU '${e.cpuText}' to die from code that runs on it; this cannot be modelled`);
        code.push({ k: 'kick', actor, label: `${name}: CPU 1 runs take_cpu_down`, source: where });
        code.push({ k: 'waitDead', actor, label: `${name}: wait until CPU 1 is dead`, source: where });
        if (apModel === 'none') {
          apModel = 'down';
          const a = 'take_cpu_down';
          ap.push(
            { k: 'idle', on: false, actor: a, label: 'stop_machine: CPU 1 leaves the idle loop', source: where },
            { k: 'active', on: false, actor: a, label: 'set_cpu_active(1, false)', source: where },
            { k: 'online', on: false, actor: a, label: '__cpu_disable: set_cpu_online(1, false)', source: where },
            { k: 'irq', on: false, actor: 'play_dead', label: 'local_irq_disable(); CPU 1 is dead', source: where },
          );
        }
        break;
      case 'ipi-setup': {
        if (setups >= MAX_SETUPS) throw new ModelError(`more than ${MAX_SETUPS} IPI set-up calls on one path`);
        const id = setups++;
        const vs = vecOf(e);
        const mayFail = e.entry.returnsStatus === true;
        const first = code.length;
        vs.forEach((v, i) =>
          code.push({ k: 'bind', vector: v, setup: id, mayFail, skipTo: first + vs.length, actor, source: where, label: `${name}: bind ${vectors[v]} for CPU 1${i === 0 && mayFail ? ' (may fail)' : ''}` }),
        );
        // The status branch follows the witness: 'ok' means the code checks it and leaves this path on failure.
        if (mayFail && w.outcome === 'ok') {
          const c: SimOp = { k: 'check', setup: id, to: -1, actor, source: where, label: `${name}: status checked; on failure return` };
          checks.push(c);
          code.push(c);
        }
        break;
      }
      case 'ipi-teardown':
        for (const v of vecOf(e)) code.push({ k: 'unbind', vector: v, actor, source: where, label: `${name}: unbind ${vectors[v]} of CPU 1` });
        break;
      case 'ipi-send':
        for (const v of vecOf(e).slice(0, 1)) code.push({ k: 'send', vector: v, actor, source: where, label: `${name}: send ${vectors[v]} to CPU 1` });
        break;
      default:
        notes.push(`${name} (${e.role}) is not modelled`);
    }
  }
  const end = (ops: SimOp[]) => ops.push({ k: 'done', actor: '', label: 'done' });

  // The rest of the kernel around the function (cpu_up and start_secondary, or the offline path).
  if (kind === 'bringup') {
    if (input.side === 'bp') {
      const failTo = bp.length + 2;
      bp.push({ k: 'waitOnline', actor: 'cpu_up', label: 'wait until cpu_online(1)' }, { k: 'active', on: true, actor: 'cpu_up', label: 'CPU_ONLINE: set_cpu_active(1, true)' });
      for (const c of checks) if (c.k === 'check') c.to = failTo;
    } else {
      const failTo = ap.length;
      ap.push(
        { k: 'waitActive', actor: 'start_secondary', label: 'wait until cpu_active(1)' },
        { k: 'irq', on: true, actor: 'start_secondary', label: 'local_irq_enable()' },
        { k: 'idle', on: true, actor: 'cpu_idle', label: 'enter the idle loop' },
      );
      for (const c of checks) if (c.k === 'check') c.to = failTo + 3;
      bp.push({ k: 'waitOnline', actor: 'native_cpu_up', label: 'wait until cpu_online(1)' }, { k: 'active', on: true, actor: 'cpu_up', label: 'CPU_ONLINE: set_cpu_active(1, true)' });
    }
  } else {
    for (const c of checks) if (c.k === 'check') c.to = code.length;
    if (input.side === 'ap') ap.push({ k: 'irq', on: false, actor: 'play_dead', label: 'local_irq_disable(); CPU 1 is dead' });
  }
  end(bp);
  end(ap);
  if (bp.length > MAX_OPS || ap.length > MAX_OPS) throw new ModelError(`the path has more than ${MAX_OPS} steps`);
  if (setups === 0 && kind === 'bringup') notes.push(`${input.function}() never sets up CPU 1's IPI vectors on this path`);
  return {
    kind,
    function: input.function,
    file: input.file,
    side: input.side,
    cpuText: input.cpuText,
    vectors,
    managed: managed || (kind === 'bringup' ? (1 << BASE_VECTORS.length) - 1 : 0),
    programs: [bp, ap],
    apStarted: input.side === 'ap',
    bugStyle: isXen ? 'xen' : 'generic',
    notes,
  };
}

/** "kick_and_wait() → native_cpu_up(cpu)" */
function chain(e: Event): string {
  const parts = e.via.length ? e.via : [e.callee];
  return parts.map((p, i) => (i === parts.length - 1 ? `${p}(${e.cpuText})` : `${p}()`)).join(' → ');
}
