// Breadth-first explorer over every interleaving of the model (transitions.ts). Visited states are hashed as two
// 32-bit words, so the first BUG found has a shortest trace, and the same input always gives the same trace.
import type { Scenario, SimBug, SimConfig, SimResult, TraceStep } from './model';
import { StateSet } from './state-set';
import { A_CALLFN, A_WATCHDOG, BUG, Model, NONE, ONLINE, type St } from './transitions';

const F = 7; // fields of a state in the queue

export function explore(sc: Scenario, cfg: SimConfig): SimResult {
  const t0 = performance.now();
  const model = new Model(sc, cfg);
  const init = model.initial();
  const moves = model.moveList();
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
    const apOn = (s.flags & ONLINE) !== 0;
    for (let i = 0; i < moves.length; i++) {
      // Cheap pre-filter of moves that are certainly disabled (the watchdog runs only on its holder; the
      // call-function senders only matter once the AP is online); step() decides the rest.
      const m = moves[i];
      if (m >= 16) {
        const kind = (m - 16) >> 4;
        if (kind === A_WATCHDOG ? ((m - 16) & 15) !== s.wd : kind >= A_CALLFN && !apOn) continue;
      }
      const r = model.step(s, m, n, false);
      if (r === NONE) continue;
      transitions++;
      if (r === BUG) {
        found = { from: idx, move: moves[i] };
        break;
      }
      if (seen.add(model.keyHi(n), model.keyLo(n))) push(n, idx, moves[i]);
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
