// The minimal reorder, applied to the witness: set-up before the publish (and its status checked), teardown
// after the offline. Used for "--fixed" / "Compare with fix" when no fix from server/src/fix applies.
import type { WitnessStep } from '../core/types';
import type { ProgramInput } from './program';

const PUBLISH = new Set(['online-sync', 'online-kick', 'online-direct']);
const OFFLINE = new Set(['offline', 'offline-wait']);

export function minimalReorder(input: ProgramInput): ProgramInput {
  const mine = (w: WitnessStep) => w.event.cpu === input.cpu;
  const steps = input.witness;
  let out: WitnessStep[];
  if (input.code === 'HP003' || (!steps.some((w) => mine(w) && PUBLISH.has(w.event.role)) && steps.some((w) => mine(w) && w.event.role === 'ipi-teardown'))) {
    const teardown = steps.filter((w) => mine(w) && w.event.role === 'ipi-teardown');
    const rest = steps.filter((w) => !teardown.includes(w));
    let last = -1;
    rest.forEach((w, i) => mine(w) && OFFLINE.has(w.event.role) && (last = i));
    out = [...rest.slice(0, last + 1), ...teardown, ...rest.slice(last + 1)];
  } else {
    const setup = steps.filter((w) => mine(w) && w.event.role === 'ipi-setup').map((w) => ({ ...w, outcome: 'ok' as const }));
    const rest = steps.filter((w) => !(mine(w) && w.event.role === 'ipi-setup'));
    const first = rest.findIndex((w) => mine(w) && PUBLISH.has(w.event.role));
    const at = first < 0 ? rest.length : first;
    out = [...rest.slice(0, at), ...setup, ...rest.slice(at)];
  }
  return { ...input, witness: out };
}
