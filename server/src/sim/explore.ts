// Breadth-first explorer over every interleaving of the BP and AP programs with the actors on the other CPUs
// (RCU grace-period forcing, the clocksource watchdog, smp_call_function users). States are hashed as one
// number (mixed radix), so the first BUG found has the shortest trace and the same input gives the same trace.
import { AP, BP, laneName, type Scenario, type SimBug, type SimConfig, type SimOp, type SimResult, type TraceStep } from './model';
import { VEC_CALL_FUNCTION, VEC_CALL_FUNCTION_SINGLE, VEC_RESCHEDULE } from './program';

const ONLINE = 1;
const ACTIVE = 2;
const IRQ = 4;
const RQIDLE = 8; // rq->curr is the idle task (the watchdog's wake_up_idle_cpu sends then)
const DYNIDLE = 16; // in the idle loop: RCU sees a quiescent state without an IPI

export interface St {
  pc0: number;
  pc1: number; // -1: the AP thread has not started
  flags: number;
  bound: number;
  failed: number;
  rcu: number;
  wd: number;
}

/** Move codes: 0..3 = thread t (0 BP, 1 AP) * 2 + (1 if the set-up fails); actors: 16 + kind * 16 + cpu. */
const A_FQS = 0;
const A_QS = 1;
const A_WATCHDOG = 2;
const A_CALLFN = 3;
const A_CALLFN1 = 4;

interface Outcome {
  next: St;
  bug: SimBug | null;
  cpu: number;
  actor: string;
  action: string;
  op?: SimOp;
}

export class Model {
  readonly C: number;
  private readonly progs: [SimOp[], SimOp[]];
  private readonly setupBits: number[] = [];
  private readonly moves: number[] = [];
  private readonly r1: number;
  private readonly rV: number;
  private readonly rS: number;
  private readonly rC: number;

  constructor(readonly sc: Scenario, readonly cfg: SimConfig) {
    this.C = cfg.cpus + 2;
    if (this.C > 16) throw new Error('at most 14 other CPUs');
    this.progs = sc.programs;
    for (const ops of this.progs) for (const op of ops) if (op.k === 'bind') this.setupBits[op.setup] = (this.setupBits[op.setup] ?? 0) | (1 << op.vector);
    this.r1 = this.progs[1].length + 1;
    this.rV = 1 << sc.vectors.length;
    this.rS = 1 << Math.max(this.setupBits.length, 0);
    this.rC = 1 << this.C;
    const on = { rcu: true, watchdog: true, callFunction: true, ...cfg.actors };
    this.moves.push(0, 1, 2, 3);
    // Other CPUs first, then the BP's own interrupt context: traces then read like the kernel's reports.
    const order = [...Array.from({ length: this.C - 2 }, (_, i) => i + 2), BP, AP];
    for (const c of order) {
      if (on.rcu) this.moves.push(16 + A_FQS * 16 + c, 16 + A_QS * 16 + c);
      if (on.watchdog) this.moves.push(16 + A_WATCHDOG * 16 + c);
      if (on.callFunction && c !== AP) this.moves.push(16 + A_CALLFN * 16 + c, 16 + A_CALLFN1 * 16 + c);
    }
  }

  initial(): St {
    const up = this.sc.kind === 'bringup';
    const flags = up ? RQIDLE : ONLINE | ACTIVE | IRQ | (this.sc.side === 'bp' ? RQIDLE | DYNIDLE : 0);
    return { pc0: 0, pc1: this.sc.apStarted ? 0 : -1, flags, bound: up ? 0 : this.sc.managed, failed: 0, rcu: this.gpMask(flags), wd: BP };
  }

  key(s: St): number {
    let k = s.pc0;
    k = k * this.r1 + (s.pc1 + 1);
    k = k * 32 + s.flags;
    k = k * this.rV + s.bound;
    k = k * this.rS + s.failed;
    k = k * this.rC + s.rcu;
    return k * this.C + s.wd;
  }

  /** Every move's outcome from s, in a fixed order. */
  successors(s: St, labels: boolean, out: (move: number, o: Outcome) => void): void {
    for (const m of this.moves) {
      const o = this.apply(s, m, labels);
      if (o) out(m, o);
    }
  }

  private gpMask(flags: number): number {
    const all = this.rC - 1;
    return this.sc.kind === 'bringup' || flags & ONLINE ? all : all & ~(1 << AP);
  }

  private ready(s: St, v: number): boolean {
    return !(this.sc.managed & (1 << v)) || (s.bound & (1 << v)) !== 0;
  }

  bugOf(sender: number, v: number): SimBug {
    const vector = this.sc.vectors[v];
    const message =
      this.sc.bugStyle === 'xen'
        ? `kernel BUG at drivers/xen/events.c:1328: xen_send_IPI_one: CPU ${sender} sent ${vector} to CPU 1 with no bound vector`
        : `kernel BUG: send_IPI: CPU ${sender} sent ${vector} to CPU 1 with no bound vector`;
    return { sender, target: AP, vector, message };
  }

  /** The outcome of one move, or null when it is not enabled (or changes nothing). */
  apply(s: St, m: number, labels: boolean): Outcome | null {
    if (m < 16) return this.thread(s, (m >> 1) as 0 | 1, (m & 1) === 1, labels);
    const kind = (m - 16) >> 4;
    const c = (m - 16) & 15;
    const apOn = (s.flags & ONLINE) !== 0;
    if (c === AP && kind !== A_WATCHDOG) return null;
    switch (kind) {
      case A_FQS: {
        const pending = s.rcu & ~(1 << c);
        if (!pending) return null;
        let rcu = s.rcu;
        let bug: SimBug | null = null;
        let what = '';
        for (let d = 0; d < this.C && !bug; d++) {
          if (!(pending & (1 << d))) continue;
          if (d === AP) {
            if (!apOn) what = 'CPU 1 offline: quiescent';
            else if (s.flags & DYNIDLE) what = 'CPU 1 dyntick-idle: quiescent';
            else if (!this.ready(s, VEC_RESCHEDULE)) {
              bug = this.bugOf(c, VEC_RESCHEDULE);
              what = 'CPU 1 online, no quiescent state: smp_send_reschedule(1)';
              break;
            } else what = 'smp_send_reschedule(1): CPU 1 reports a quiescent state';
          }
          rcu &= ~(1 << d);
        }
        if (!bug && rcu === 0) rcu = this.gpMask(s.flags);
        return this.o(s, { ...s, rcu }, bug, c, 'rcu', labels ? `force_quiescent_state → rcu_implicit_offline_qs${what ? ': ' + what : ''}` : '');
      }
      case A_QS: {
        if (!(s.rcu & (1 << c))) return null;
        let rcu = s.rcu & ~(1 << c);
        if (rcu === 0) rcu = this.gpMask(s.flags);
        return this.o(s, { ...s, rcu }, null, c, 'rcu', labels ? `CPU ${c} reports a quiescent state` : '');
      }
      case A_WATCHDOG: {
        if (s.wd !== c) return null;
        let sender = c;
        if (c === AP) {
          if (apOn && !(s.flags & IRQ)) return null;
          if (!apOn) sender = BP; // the timer migrated away from the dead CPU
        }
        let next = c;
        for (let i = 1; i <= this.C; i++) {
          const d = (c + i) % this.C;
          if (d !== AP || apOn) {
            next = d;
            break;
          }
        }
        const send = next === AP && (s.flags & RQIDLE) !== 0;
        const bug = send && !this.ready(s, VEC_RESCHEDULE) ? this.bugOf(sender, VEC_RESCHEDULE) : null;
        const txt = labels ? `clocksource_watchdog: add_timer_on(CPU ${next})${send ? ' → wake_up_idle_cpu(1) → smp_send_reschedule(1)' : ''}` : '';
        return this.o(s, { ...s, wd: next }, bug, sender, 'watchdog', txt);
      }
      case A_CALLFN:
      case A_CALLFN1: {
        const v = kind === A_CALLFN ? VEC_CALL_FUNCTION : VEC_CALL_FUNCTION_SINGLE;
        // Only a send that fails changes anything: the rest are self-loops.
        if (!apOn || this.ready(s, v)) return null;
        const txt = kind === A_CALLFN ? 'smp_call_function: CALL_FUNCTION to every online CPU, CPU 1 included' : 'smp_call_function_single(1): CPU 1 is online';
        return this.o(s, s, this.bugOf(c, v), c, 'smp_call_function', labels ? txt : '');
      }
    }
    return null;
  }

  private o(_s: St, next: St, bug: SimBug | null, cpu: number, actor: string, action: string, op?: SimOp): Outcome {
    return { next, bug, cpu, actor, action, op };
  }

  private thread(s: St, t: 0 | 1, fail: boolean, labels: boolean): Outcome | null {
    const pc = t === 0 ? s.pc0 : s.pc1;
    if (pc < 0) return null;
    const op = this.progs[t][pc];
    const cpu = t === 0 ? BP : AP;
    const go = (patch: Partial<St>, to = pc + 1): Outcome => {
      const next = { ...s, ...patch };
      if (t === 0) next.pc0 = to;
      else next.pc1 = to;
      return { next, bug: null, cpu, actor: op.actor, action: labels ? op.label : '', op };
    };
    const flag = (f: number, on: boolean) => (on ? s.flags | f : s.flags & ~f);
    if (fail && op.k !== 'bind') return null;
    switch (op.k) {
      case 'kick':
        return go({ pc1: s.pc1 < 0 ? 0 : s.pc1 });
      case 'online':
        return go({ flags: flag(ONLINE, op.on) });
      case 'active':
        return go({ flags: flag(ACTIVE, op.on) });
      case 'irq':
        return go({ flags: flag(IRQ, op.on) });
      case 'idle':
        return go({ flags: flag(RQIDLE | DYNIDLE, op.on) });
      case 'waitOnline':
        return s.flags & ONLINE ? go({}) : null;
      case 'waitActive':
        return s.flags & ACTIVE ? go({}) : null;
      case 'waitDead':
        return s.pc1 >= 0 && this.progs[1][s.pc1].k === 'done' ? go({}) : null;
      case 'bind':
        if (!fail) return go({ bound: s.bound | (1 << op.vector) });
        if (!op.mayFail) return null;
        {
          const o = go({ failed: s.failed | (1 << op.setup), bound: s.bound & ~this.setupBits[op.setup] }, op.skipTo);
          if (labels) o.action = op.label.replace(/ \(may fail\)$/, '').replace(/: bind .*/, ': set-up FAILS; its vectors stay unbound');
          return o;
        }
      case 'unbind':
        return go({ bound: s.bound & ~(1 << op.vector) });
      case 'check':
        return go({}, s.failed & (1 << op.setup) ? op.to : pc + 1);
      case 'send': {
        const o = go({});
        if (!this.ready(s, op.vector)) o.bug = this.bugOf(cpu, op.vector);
        return o;
      }
      case 'done':
        return null;
    }
  }

  /** The trace row for an outcome. */
  row(step: number, o: Outcome): TraceStep {
    const s = o.next;
    const online: number[] = [];
    const active: number[] = [];
    for (let c = 0; c < this.C; c++) {
      if (c !== AP || s.flags & ONLINE) online.push(c);
      if (c !== AP || s.flags & ACTIVE) active.push(c);
    }
    const ipiReady: Record<string, boolean> = {};
    this.sc.vectors.forEach((v, i) => (ipiReady[v] = this.ready(s, i)));
    const src = o.op?.source;
    return { step, cpu: o.cpu, lane: laneName(o.cpu), actor: o.actor, action: o.action, file: src ? src.file : null, line: src ? src.span.startLine + 1 : null, online, active, ipiReady };
  }
}

export function explore(sc: Scenario, cfg: SimConfig): SimResult {
  const t0 = performance.now();
  const model = new Model(sc, cfg);
  const init = model.initial();
  const seen = new Map<number, number>();
  const states: St[] = [init];
  const parent: number[] = [-1];
  const via: number[] = [-1];
  seen.set(model.key(init), 0);
  let transitions = 0;
  let head = 0;
  let found: { from: number; move: number } | null = null;
  let bound: string | undefined;
  outer: while (head < states.length) {
    if ((head & 1023) === 0 && performance.now() - t0 > cfg.maxMs) {
      bound = `time bound of ${cfg.maxMs} ms reached`;
      break;
    }
    const idx = head++;
    const s = states[idx];
    let hit = -1;
    model.successors(s, false, (m, o) => {
      transitions++;
      if (hit >= 0) return;
      if (o.bug) {
        hit = m;
        return;
      }
      const k = model.key(o.next);
      if (!seen.has(k)) {
        seen.set(k, states.length);
        states.push(o.next);
        parent.push(idx);
        via.push(m);
      }
    });
    if (hit >= 0) {
      found = { from: idx, move: hit };
      break outer;
    }
    if (states.length > cfg.maxStates) {
      bound = `state bound of ${cfg.maxStates} states reached`;
      break;
    }
  }
  const base = { function: sc.function, file: sc.file, cpus: cfg.cpus, fixed: false, statesExplored: states.length, transitions, notes: sc.notes };
  if (found) {
    const path: number[] = [found.move];
    for (let i = found.from; i > 0; i = parent[i]) path.push(via[i]);
    path.reverse();
    const trace: TraceStep[] = [];
    let s = init;
    let bug: SimBug | null = null;
    for (const m of path) {
      const o = model.apply(s, m, true)!;
      trace.push(model.row(trace.length + 1, o));
      s = o.next;
      if (o.bug) {
        bug = o.bug;
        trace.push({ ...model.row(trace.length + 1, o), actor: 'BUG', action: o.bug.message, file: null, line: null, bug: true });
      }
    }
    return { ...base, verdict: 'race', ms: Math.round((performance.now() - t0) * 100) / 100, bug, trace };
  }
  if (bound) return { ...base, verdict: 'bounded', reason: bound, ms: Math.round((performance.now() - t0) * 100) / 100, bug: null, trace: [] };
  return { ...base, verdict: 'safe', ms: Math.round((performance.now() - t0) * 100) / 100, bug: null, trace: [] };
}
