// Custom request `hotplugRace/simulate` (and command hotplugRace.simulate.server): runs the simulator on a
// function of an open or indexed document. Params: { uri, function? | position?, fixed?, cpus? }.
import { ResponseError, ErrorCodes } from 'vscode-languageserver/node';
import { preferredFix } from '../fix';
import { simulateFunction } from '../sim/from-project';
import type { SimResult } from '../sim/model';
import { traceText } from '../sim/trace-text';
import { type ServerContext, uriToFile } from './context';

export const SIMULATE_REQUEST = 'hotplugRace/simulate';

export interface SimulateParams {
  uri: string;
  function?: string;
  position?: { line: number; character: number };
  fixed?: boolean;
  cpus?: number;
}

export type SimulateResponse = SimResult & { text: string; uri: string };

/** Checks untrusted params; returns a message when they are bad. */
export function checkParams(p: unknown): SimulateParams | string {
  if (!p || typeof p !== 'object') return 'params must be an object';
  const o = p as Record<string, unknown>;
  if (typeof o.uri !== 'string' || !o.uri) return 'uri must be a string';
  if (o.function !== undefined && (typeof o.function !== 'string' || !/^[A-Za-z_]\w{0,255}$/.test(o.function))) return 'function must be a C identifier';
  if (o.position !== undefined) {
    const q = o.position as Record<string, unknown>;
    if (!q || !Number.isInteger(q.line) || !Number.isInteger(q.character) || (q.line as number) < 0 || (q.character as number) < 0) return 'position must be {line, character}';
  }
  if (o.function === undefined && o.position === undefined) return 'give function or position';
  if (o.fixed !== undefined && typeof o.fixed !== 'boolean') return 'fixed must be a boolean';
  if (o.cpus !== undefined && (!Number.isInteger(o.cpus) || (o.cpus as number) < 0 || (o.cpus as number) > 8)) return 'cpus must be an integer from 0 to 8';
  return o as unknown as SimulateParams;
}

export function registerSimulate(ctx: ServerContext): void {
  const run = (p: SimulateParams): SimulateResponse => {
    ctx.flush(p.uri);
    const project = ctx.project();
    const file = uriToFile(p.uri);
    const doc = ctx.documents.get(p.uri);
    let fn = p.function;
    if (!fn && p.position && doc) fn = project.functionAt(file, doc.offsetAt(p.position))?.name;
    const cpus = p.cpus ?? ctx.settings().simulatorCpus ?? 2;
    // Bounded so one request never holds the server for long; hitting a bound is reported as 'bounded'.
    const opts = { cpus, fixed: !!p.fixed, maxMs: 5000, maxStates: 2_000_000, fix: (f: Parameters<typeof preferredFix>[1], t: string) => preferredFix({ findingsForText: (a, b) => project.findingsForText(a, b), kb: project.kb }, f, t) };
    const r: SimResult = fn
      ? simulateFunction(project, file, fn, opts)
      : { verdict: 'error', function: '', file, cpus, fixed: !!p.fixed, statesExplored: 0, transitions: 0, ms: 0, bug: null, trace: [], reason: 'the cursor is not inside a function', notes: [] };
    return { ...r, text: traceText(r), uri: p.uri };
  };
  const guarded = ctx.guard('simulate', run);
  const handle = (raw: unknown): ReturnType<typeof guarded> | ResponseError<void> => {
    const p = checkParams(raw);
    return typeof p === 'string' ? new ResponseError(ErrorCodes.InvalidParams, `hotplugRace/simulate: ${p}`) : guarded(p);
  };
  ctx.connection.onRequest(SIMULATE_REQUEST, (raw: unknown) => handle(raw) as SimulateResponse);
  ctx.registerCommand('hotplugRace.simulate.server', (args) => handle(args[0]));
}
