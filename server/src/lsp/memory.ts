// Releasing tree-sitter trees. A tree's native memory (80 to 170 bytes per node, so 100 MB for a 1 MB line of
// `x, `) is freed only after V8 collects its small JS wrapper and the event loop turns. V8 does not count that
// memory, so without help it collects rarely and the server's RSS grows by every tree that fix verification or
// an edit made. After every `PARSED_BETWEEN_GC` UTF-16 units parsed, the server collects on the next turn.
import * as v8 from 'v8';
import * as vm from 'vm';
import { parsedVolume } from '../core/parse';

/** Parsed text (UTF-16 units) between two collections: at most a few hundred MB of dead trees. */
export const PARSED_BETWEEN_GC = 2_000_000;

let gc: (() => void) | undefined | null;
let lastVolume = 0;
let scheduled = false;
let collections = 0;

function collector(): (() => void) | undefined {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  return gc ?? undefined;
}

/** Schedules a collection on the next turn of the event loop when enough was parsed since the last one. */
export function releaseTrees(): void {
  if (scheduled || parsedVolume() - lastVolume < PARSED_BETWEEN_GC) return;
  scheduled = true;
  setImmediate(collectNow);
}

/** Collects now; the trees' finalizers run on the following turn (await `settle()` to let them). */
export function collectNow(): void {
  scheduled = false;
  lastVolume = parsedVolume();
  const f = collector();
  if (!f) return;
  f();
  collections++;
}

/** Whether a collection is due; long computations check this between steps and yield with `settle()`. */
export function collectionDue(): boolean {
  return parsedVolume() - lastVolume >= PARSED_BETWEEN_GC;
}

/** Yields to the event loop; when a collection is due, collects first so the dead trees are freed meanwhile. */
export async function settle(): Promise<void> {
  if (collectionDue()) collectNow();
  await new Promise((r) => setImmediate(r));
}

/** Collections so far (for tests and traces). */
export function collectionCount(): number {
  return collections;
}
