// Messages between the trace view's webview and the extension host. Pure: no vscode import, unit-tested.
// Everything the webview sends is untrusted (it renders text from the analysed files): validate it all.

export type ViewMessage =
  | { type: 'ready' }
  | { type: 'reveal'; step: number } // show the source line of a step
  | { type: 'select'; step: number } // the selected step changed (kept so a re-shown view restores it)
  | { type: 'compare' } // run the fixed version
  | { type: 'save' } // write a .hptrace file
  | { type: 'copy' }; // copy the trace as text

/** Host → webview. */
export type HostMessage =
  | { type: 'compare'; verdict: string; statesExplored: number; ms: number; reason?: string }
  | { type: 'select'; step: number };

const SIMPLE = new Set(['ready', 'compare', 'save', 'copy']);

/** A valid message, or undefined. `steps` is the trace length: step numbers are 1..steps. */
export function parseViewMessage(raw: unknown, steps: number): ViewMessage | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const o = raw as Record<string, unknown>;
  const keys = Object.keys(o);
  if (typeof o.type !== 'string') return undefined;
  if (SIMPLE.has(o.type)) return keys.length === 1 ? ({ type: o.type } as ViewMessage) : undefined;
  if (o.type === 'reveal' || o.type === 'select') {
    if (keys.length !== 2 || !Number.isSafeInteger(o.step)) return undefined;
    const step = o.step as number;
    if (step < 1 || step > steps) return undefined;
    return { type: o.type, step };
  }
  return undefined;
}
