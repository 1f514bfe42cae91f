// The transition relation of the hot-plug model: one step of the BP or AP program, or of an actor on another
// CPU (RCU grace-period forcing and quiescent-state reports, the clocksource watchdog, smp_call_function users).
import { AP, BP, laneName, type Scenario, type SimBug, type SimConfig, type SimOp, type TraceStep } from './model';
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

// Compiled op kinds: [kind, arg, arg2, arg3] per op.
const K_DONE = 0;
const K_KICK = 1;
const K_SET = 2; // flags |= arg
const K_CLEAR = 3; // flags &= ~arg
const K_WAIT = 4; // until flags & arg
const K_WAITDEAD = 5;
const K_BIND = 6; // arg vector, arg2 setup, arg3 skipTo (or -1: cannot fail)
const K_UNBIND = 7;
const K_CHECK = 8; // arg setup, arg2 target
const K_SEND = 9;

function compile(ops: readonly SimOp[]): Int32Array {
  const c = new Int32Array(ops.length * 4);
  ops.forEach((op, j) => {
    const i = j * 4;
    const flag = (f: number, on: boolean) => ((c[i] = on ? K_SET : K_CLEAR), (c[i + 1] = f));
    switch (op.k) {
      case 'kick': c[i] = K_KICK; break;
      case 'online': flag(ONLINE, op.on); break;
      case 'active': flag(ACTIVE, op.on); break;
      case 'irq': flag(IRQ, op.on); break;
      case 'idle': flag(RQIDLE | DYNIDLE, op.on); break;
      case 'waitOnline': c[i] = K_WAIT; c[i + 1] = ONLINE; break;
      case 'waitActive': c[i] = K_WAIT; c[i + 1] = ACTIVE; break;
      case 'waitDead': c[i] = K_WAITDEAD; break;
      case 'bind': c[i] = K_BIND; c[i + 1] = op.vector; c[i + 2] = op.setup; c[i + 3] = op.mayFail ? op.skipTo : -1; break;
      case 'unbind': c[i] = K_UNBIND; c[i + 1] = op.vector; break;
      case 'check': c[i] = K_CHECK; c[i + 1] = op.setup; c[i + 2] = op.to; break;
      case 'send': c[i] = K_SEND; c[i + 1] = op.vector; break;
      case 'done': c[i] = K_DONE; break;
    }
  });
  return c;
}

function copy(s: St, n: St): void {
  n.pc0 = s.pc0;
  n.pc1 = s.pc1;
  n.flags = s.flags;
  n.bound = s.bound;
  n.failed = s.failed;
  n.rcu = s.rcu;
  n.wd = s.wd;
}

const NONE = 0;
const NEXT = 1;
const BUG = 2;

export interface Outcome {
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
  private readonly rC: number;
  private readonly code: [Int32Array, Int32Array];

  constructor(readonly sc: Scenario, readonly cfg: SimConfig) {
    this.C = cfg.cpus + 2;
    if (this.C > 16) throw new Error('at most 14 other CPUs');
    this.progs = sc.programs;
    for (const ops of this.progs) for (const op of ops) if (op.k === 'bind') this.setupBits[op.setup] = (this.setupBits[op.setup] ?? 0) | (1 << op.vector);
    if (this.progs[0].length > 255 || this.progs[1].length > 254 || sc.vectors.length > 8 || this.setupBits.length > 4) throw new Error('model too large for the state key');
    this.rC = 1 << this.C;
    this.code = [compile(this.progs[0]), compile(this.progs[1])];
    const on = { rcu: true, watchdog: true, callFunction: true, ...cfg.actors };
    this.moves.push(0, 1, 2, 3);
    // Other CPUs first, then the BP's own interrupt context: traces then read like the kernel's reports.
    const order = [...Array.from({ length: this.C - 2 }, (_, i) => i + 2), BP, AP];
    for (const c of order) {
      if (on.rcu && c !== AP) this.moves.push(16 + A_FQS * 16 + c, 16 + A_QS * 16 + c);
      if (on.watchdog) this.moves.push(16 + A_WATCHDOG * 16 + c);
      if (on.callFunction && c !== AP) this.moves.push(16 + A_CALLFN * 16 + c, 16 + A_CALLFN1 * 16 + c);
    }
  }

  initial(): St {
    const up = this.sc.kind === 'bringup';
    const flags = up ? RQIDLE : ONLINE | ACTIVE | IRQ | (this.sc.side === 'bp' ? RQIDLE | DYNIDLE : 0);
    return { pc0: 0, pc1: this.sc.apStarted ? 0 : -1, flags, bound: up ? 0 : this.sc.managed, failed: 0, rcu: this.gpMask(flags), wd: BP };
  }

  /** Low word of a state's key: program counters and flags (21 bits). */
  keyLo(s: St): number {
    return s.pc0 | ((s.pc1 + 1) << 8) | (s.flags << 16);
  }

  /** High word: vector bindings (8 bits), failed set-ups (4), RCU mask (16) and watchdog holder (4). */
  keyHi(s: St): number {
    return s.bound | (s.failed << 8) | (s.rcu << 12) | (s.wd << 28);
  }

  /** Move codes in their fixed order. */
  moveList(): readonly number[] {
    return this.moves;
  }

  /** The CPUs a new grace period waits for. */
  gpMask(flags: number): number {
    const all = this.rC - 1;
    return this.sc.kind === 'bringup' || flags & ONLINE ? all : all & ~(1 << AP);
  }

  /** Whether vector v can be sent to the AP under these bindings. */
  readyBits(bound: number, v: number): boolean {
    return !(this.sc.managed & (1 << v)) || (bound & (1 << v)) !== 0;
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

  /** The outcome of one move with its labels (trace reconstruction), or null when it is not enabled. */
  apply(s: St, m: number): Outcome | null {
    const n = { ...s };
    const r = this.step(s, m, n, true);
    if (r === NONE) return null;
    return { next: n, bug: r === BUG ? this.bugOf(this.lastSender, this.lastVector) : null, cpu: this.lastCpu, actor: this.lastActor, action: this.lastAction, op: this.lastOp };
  }

  // Labels of the last step (set only when `labels`); the sender and vector of a BUG (always).
  private lastCpu = 0;
  private lastActor = '';
  private lastAction = '';
  private lastOp: SimOp | undefined;
  private lastSender = 0;
  private lastVector = 0;

  private bug(sender: number, v: number): number {
    this.lastSender = sender;
    this.lastVector = v;
    return BUG;
  }

  private label(cpu: number, actor: string, action: string, op?: SimOp): void {
    this.lastCpu = cpu;
    this.lastActor = actor;
    this.lastAction = action;
    this.lastOp = op;
  }

  /**
   * Writes the successor of s under move m into n (no allocation): NONE when the move is not enabled (or
   * changes nothing), NEXT for a state, BUG when it sends an IPI to an unbound vector.
   */
  step(s: St, m: number, n: St, labels: boolean): number {
    if (m < 16) return this.thread(s, (m >> 1) as 0 | 1, (m & 1) === 1, n, labels);
    const kind = (m - 16) >> 4;
    const c = (m - 16) & 15;
    const apOn = (s.flags & ONLINE) !== 0;
    if (c === AP && kind !== A_WATCHDOG) return NONE;
    switch (kind) {
      case A_FQS: {
        const pending = s.rcu & ~(1 << c);
        if (!pending) return NONE;
        // Every pending CPU but c is forced at once; only the AP can need an IPI.
        let what = '';
        if (pending & (1 << AP)) {
          if (!apOn) what = 'CPU 1 offline: quiescent';
          else if (s.flags & DYNIDLE) what = 'CPU 1 dyntick-idle: quiescent';
          else if (!this.ready(s, VEC_RESCHEDULE)) {
            if (labels) this.label(c, 'rcu', 'force_quiescent_state → rcu_implicit_offline_qs: CPU 1 online, no quiescent state: smp_send_reschedule(1)');
            return this.bug(c, VEC_RESCHEDULE);
          } else what = 'smp_send_reschedule(1): CPU 1 reports a quiescent state';
        }
        const rcu = s.rcu & (1 << c);
        copy(s, n);
        n.rcu = rcu === 0 ? this.gpMask(s.flags) : rcu;
        if (labels) this.label(c, 'rcu', `force_quiescent_state → rcu_implicit_offline_qs${what ? ': ' + what : ''}`);
        return NEXT;
      }
      case A_QS: {
        if (!(s.rcu & (1 << c))) return NONE;
        const rcu = s.rcu & ~(1 << c);
        copy(s, n);
        n.rcu = rcu === 0 ? this.gpMask(s.flags) : rcu;
        if (labels) this.label(c, 'rcu', `CPU ${c} reports a quiescent state`);
        return NEXT;
      }
      case A_WATCHDOG: {
        if (s.wd !== c) return NONE;
        let sender = c;
        if (c === AP) {
          if (apOn && !(s.flags & IRQ)) return NONE;
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
        copy(s, n);
        n.wd = next;
        if (labels) this.label(sender, 'watchdog', `clocksource_watchdog: add_timer_on(CPU ${next})${send ? ' → wake_up_idle_cpu(1) → smp_send_reschedule(1)' : ''}`);
        return send && !this.ready(s, VEC_RESCHEDULE) ? this.bug(sender, VEC_RESCHEDULE) : NEXT;
      }
      case A_CALLFN:
      case A_CALLFN1: {
        const v = kind === A_CALLFN ? VEC_CALL_FUNCTION : VEC_CALL_FUNCTION_SINGLE;
        // Only a send that fails changes anything: the rest are self-loops.
        if (!apOn || this.ready(s, v)) return NONE;
        copy(s, n);
        if (labels) this.label(c, 'smp_call_function', kind === A_CALLFN ? 'smp_call_function: CALL_FUNCTION to every online CPU, CPU 1 included' : 'smp_call_function_single(1): CPU 1 is online');
        return this.bug(c, v);
      }
    }
    return NONE;
  }

  private thread(s: St, t: 0 | 1, fail: boolean, n: St, labels: boolean): number {
    const pc = t === 0 ? s.pc0 : s.pc1;
    if (pc < 0) return NONE;
    // Compiled op arrays: monomorphic and allocation-free (SimOp objects come in many shapes).
    const code = this.code[t];
    const i = pc * 4;
    const k = code[i];
    const arg = code[i + 1];
    if (fail && k !== K_BIND) return NONE;
    if (k === K_DONE || (k === K_WAIT && (s.flags & arg) === 0) || (fail && code[i + 3] < 0)) return NONE;
    if (k === K_WAITDEAD && (s.pc1 < 0 || this.code[1][s.pc1 * 4] !== K_DONE)) return NONE;
    copy(s, n);
    const cpu = t === 0 ? BP : AP;
    let to = pc + 1;
    let r = NEXT;
    switch (k) {
      case K_KICK:
        if (s.pc1 < 0) n.pc1 = 0;
        break;
      case K_SET:
        n.flags = s.flags | arg;
        break;
      case K_CLEAR:
        n.flags = s.flags & ~arg;
        break;
      case K_WAIT:
        if ((s.flags & arg) === 0) return NONE;
        break;
      case K_WAITDEAD:
        if (s.pc1 < 0 || this.code[1][s.pc1 * 4] !== K_DONE) return NONE;
        break;
      case K_BIND:
        if (!fail) n.bound = s.bound | (1 << arg);
        else {
          if (code[i + 3] < 0) return NONE; // cannot fail
          const setup = code[i + 2];
          n.failed = s.failed | (1 << setup);
          n.bound = s.bound & ~this.setupBits[setup];
          to = code[i + 3];
        }
        break;
      case K_UNBIND:
        n.bound = s.bound & ~(1 << arg);
        break;
      case K_CHECK:
        if (s.failed & (1 << arg)) to = code[i + 2];
        break;
      case K_SEND:
        if (!this.ready(s, arg)) r = this.bug(cpu, arg);
        break;
      default:
        return NONE;
    }
    if (t === 0) n.pc0 = to;
    else n.pc1 = to;
    if (labels) {
      const op = this.progs[t][pc];
      const action = fail ? op.label.replace(/ \(may fail\)$/, '').replace(/: bind .*/, ': set-up FAILS; its vectors stay unbound') : op.label;
      this.label(cpu, op.actor, action, op);
    }
    return r;
  }

  /** The trace row for an outcome. */
  row(step: number, o: Outcome): TraceStep {
    const s = o.next;
    const online: number[] = [];
    const active: number[] = [];
    const irqs: number[] = [];
    for (let c = 0; c < this.C; c++) {
      if (c !== AP || s.flags & ONLINE) online.push(c);
      if (c !== AP || s.flags & ACTIVE) active.push(c);
      if (c !== AP || s.flags & IRQ) irqs.push(c);
    }
    const ipiReady: Record<string, boolean> = {};
    this.sc.vectors.forEach((v, i) => (ipiReady[v] = this.ready(s, i)));
    const src = o.op?.source;
    return { step, cpu: o.cpu, lane: laneName(o.cpu), actor: o.actor, action: o.action, file: src ? src.file : null, line: src ? src.span.startLine + 1 : null, online, active, irqs, ipiReady };
  }
}

// Exported by list, not `export const`: the compiled module then reads its own constants as locals, not exports.X.
export { DYNIDLE, ONLINE, A_FQS, A_QS, A_WATCHDOG, A_CALLFN, NONE, NEXT, BUG };
