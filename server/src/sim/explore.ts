// Breadth-first explorer over every interleaving of the model (transitions.ts). Visited states are hashed as two
// 32-bit words, so the first BUG found has a shortest trace, and the same input always gives the same trace.
import type { Scenario, SimBug, SimConfig, SimResult, TraceStep } from './model';
import { VEC_CALL_FUNCTION, VEC_CALL_FUNCTION_SINGLE, VEC_RESCHEDULE } from './program';
import { StateSet } from './state-set';
import { A_FQS, A_QS, A_WATCHDOG, BUG, DYNIDLE, Model, NONE, ONLINE, type St } from './transitions';

// Local copies: the compiled hot loop would otherwise read each as a property of the imported module.
const FQS = A_FQS;
const QS = A_QS;
const WATCHDOG = A_WATCHDOG;
const R_NONE = NONE;
const R_BUG = BUG;
const ON = ONLINE;
const IDLE = DYNIDLE;
const AP_BIT = 1 << 1;
const RCU_CLEAR = ~(0xffff << 12); // keyHi without its RCU mask (model.keyHi's layout)

export function explore(sc: Scenario, cfg: SimConfig): SimResult {
  const t0 = performance.now();
  const model = new Model(sc, cfg);
  const init = model.initial();
  const moves = model.moveList();
  // Actor kind (-1 for a program thread) and CPU of each move, so the hot loop does no decoding.
  const nMoves = moves.length;
  const kindOf = new Int8Array(nMoves);
  const cpuOf = new Int8Array(nMoves);
  for (let i = 0; i < nMoves; i++) {
    kindOf[i] = moves[i] < 16 ? -1 : (moves[i] - 16) >> 4;
    cpuOf[i] = moves[i] < 16 ? 0 : (moves[i] - 16) & 15;
  }
  const gpOn = model.gpMask(ON);
  const gpOff = model.gpMask(0);
  const seen = new StateSet();
  // Breadth-first queue of state keys (lo, hi: the state itself, see decode), with the parent index and move of
  // each (for the trace).
  let q = new Int32Array(2 * 4096);
  let parent = new Int32Array(4096);
  let via = new Int16Array(4096);
  let count = 0;
  const push = (lo: number, hi: number, from: number, move: number) => {
    if (count === parent.length) {
      const q2 = new Int32Array(q.length * 2);
      q2.set(q);
      q = q2;
      const p2 = new Int32Array(parent.length * 2);
      p2.set(parent);
      parent = p2;
      const v2 = new Int16Array(via.length * 2);
      v2.set(via);
      via = v2;
    }
    q[count * 2] = lo;
    q[count * 2 + 1] = hi;
    parent[count] = from;
    via[count] = move;
    count++;
  };
  seen.add(model.keyHi(init), model.keyLo(init));
  push(model.keyLo(init), model.keyHi(init), -1, -1);
  const s: St = { ...init };
  const n: St = { ...init };
  let transitions = 0;
  let head = 0;
  let found: { from: number; move: number } | null = null;
  let bound: string | undefined;
  while (head < count) {
    if ((head & 1023) === 0 && performance.now() - t0 > cfg.maxMs) {
      bound = `time bound of ${cfg.maxMs} ms reached`;
      break;
    }
    const idx = head++;
    const lo = q[idx * 2];
    const hi = q[idx * 2 + 1];
    // decode: the inverse of model.keyLo / keyHi
    s.pc0 = lo & 255;
    s.pc1 = ((lo >>> 8) & 255) - 1;
    s.flags = lo >>> 16;
    s.bound = hi & 255;
    s.failed = (hi >>> 8) & 15;
    s.rcu = (hi >>> 12) & 0xffff;
    s.wd = (hi >>> 28) & 15;
    const flags = s.flags;
    const apOn = (flags & ON) !== 0;
    const rcu = s.rcu;
    const wd = s.wd;
    const gp = apOn ? gpOn : gpOff;
    const hiNoRcu = hi & RCU_CLEAR;
    // RCU forcing needs an IPI to the AP when it is online, not idle, and RESCHEDULE is not bound.
    const fqsBug = apOn && (flags & IDLE) === 0 && !model.readyBits(s.bound, VEC_RESCHEDULE);
    // The call-function senders change something only when they BUG.
    const callBug = apOn && (!model.readyBits(s.bound, VEC_CALL_FUNCTION) || !model.readyBits(s.bound, VEC_CALL_FUNCTION_SINGLE));
    for (let i = 0; i < nMoves; i++) {
      const kind = kindOf[i];
      const m = moves[i];
      if (kind === FQS || kind === QS) {
        // Inline RCU steps (same as step()): they change only the RCU mask.
        const bit = 1 << cpuOf[i];
        let r: number;
        if (kind === FQS) {
          const pending = rcu & ~bit;
          if (pending === 0) continue;
          transitions++;
          if (fqsBug && (pending & AP_BIT) !== 0) {
            found = { from: idx, move: m };
            break;
          }
          r = rcu & bit;
        } else {
          if ((rcu & bit) === 0) continue;
          transitions++;
          r = rcu & ~bit;
        }
        const hiN = hiNoRcu | ((r === 0 ? gp : r) << 12);
        if (seen.add(hiN, lo)) push(lo, hiN, idx, m);
        continue;
      }
      if (kind >= 0 && (kind === WATCHDOG ? cpuOf[i] !== wd : !callBug)) continue;
      const r = model.step(s, m, n, false);
      if (r === R_NONE) continue;
      transitions++;
      if (r === R_BUG) {
        found = { from: idx, move: m };
        break;
      }
      const hiN = model.keyHi(n);
      const loN = model.keyLo(n);
      if (seen.add(hiN, loN)) push(loN, hiN, idx, m);
    }
    if (found) break;
    if (count > cfg.maxStates) {
      bound = `state bound of ${cfg.maxStates} states reached`;
      break;
    }
  }
  const ms = Math.round((performance.now() - t0) * 100) / 100;
  const base = { function: sc.function, file: sc.file, cpus: cfg.cpus, fixed: false, statesExplored: count, transitions, ms, notes: sc.notes };
  if (found) {
    const path: number[] = [found.move];
    for (let i = found.from; i > 0; i = parent[i]) path.push(via[i]);
    path.reverse();
    const trace: TraceStep[] = [];
    let cur = init;
    let bug: SimBug | null = null;
    for (const m of path) {
      const o = model.apply(cur, m)!;
      trace.push(model.row(trace.length + 1, o));
      cur = o.next;
      if (o.bug) {
        bug = o.bug;
        trace.push({ ...model.row(trace.length + 1, o), actor: 'BUG', action: o.bug.message, file: null, line: null, bug: true });
      }
    }
    return { ...base, verdict: 'race', bug, trace };
  }
  if (bound) return { ...base, verdict: 'bounded', reason: bound, bug: null, trace: [] };
  return { ...base, verdict: 'safe', bug: null, trace: [] };
}
