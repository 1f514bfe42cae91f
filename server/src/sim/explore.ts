// Breadth-first explorer over every interleaving of the model (transitions.ts). Visited states are hashed as two
// 32-bit words, so the first BUG found has a shortest trace, and the same input always gives the same trace.
import type { Scenario, SimBug, SimConfig, SimResult, TraceStep } from './model';
import { StateSet } from './state-set';
import { A_FQS, A_QS, A_WATCHDOG, BUG, Model, NONE, ONLINE, type St } from './transitions';

// Local copies: the compiled hot loop would otherwise read each as a property of the imported module.
const FQS = A_FQS;
const QS = A_QS;
const WATCHDOG = A_WATCHDOG;
const R_NONE = NONE;
const R_BUG = BUG;
const ON = ONLINE;

const F = 7; // fields of a state in the queue

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
  const seen = new StateSet();
  // Breadth-first queue of states (F int32 fields each), with the parent index and move of each (for the trace).
  let q = new Int32Array(F * 4096);
  let parent = new Int32Array(4096);
  let via = new Int16Array(4096);
  let count = 0;
  const push = (x: St, from: number, move: number) => {
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
    const o = count * F;
    q[o] = x.pc0;
    q[o + 1] = x.pc1;
    q[o + 2] = x.flags;
    q[o + 3] = x.bound;
    q[o + 4] = x.failed;
    q[o + 5] = x.rcu;
    q[o + 6] = x.wd;
    parent[count] = from;
    via[count] = move;
    count++;
  };
  seen.add(model.keyHi(init), model.keyLo(init));
  push(init, -1, -1);
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
    const o = idx * F;
    s.pc0 = q[o];
    s.pc1 = q[o + 1];
    s.flags = q[o + 2];
    s.bound = q[o + 3];
    s.failed = q[o + 4];
    s.rcu = q[o + 5];
    s.wd = q[o + 6];
    const apOn = (s.flags & ON) !== 0;
    const rcu = s.rcu;
    const wd = s.wd;
    for (let i = 0; i < nMoves; i++) {
      // Cheap pre-filter of moves that are certainly disabled (same conditions as step()'s first checks, without
      // the call); step() decides the rest.
      const kind = kindOf[i];
      if (kind >= 0) {
        const bit = 1 << cpuOf[i];
        if (kind === FQS ? (rcu & ~bit) === 0 : kind === QS ? (rcu & bit) === 0 : kind === WATCHDOG ? cpuOf[i] !== wd : !apOn) continue;
      }
      const m = moves[i];
      const r = model.step(s, m, n, false);
      if (r === R_NONE) continue;
      transitions++;
      if (r === R_BUG) {
        found = { from: idx, move: m };
        break;
      }
      if (seen.add(model.keyHi(n), model.keyLo(n))) push(n, idx, m);
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
