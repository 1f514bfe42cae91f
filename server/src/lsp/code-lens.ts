// Code lens "Simulate hotplug" above each function with an HP001-HP003 finding.
import type { CodeLens, CodeLensParams } from 'vscode-languageserver/node';
import { SIM_CODES } from '../sim/simulate';
import type { ServerContext } from './context';
import { spanToRange } from './diagnostics';

export const SIMULATE_COMMAND = 'hotplugRace.simulate';

export function registerCodeLens(ctx: ServerContext): void {
  ctx.connection.onCodeLens(ctx.guard('codeLens', (params: CodeLensParams): CodeLens[] => {
    const uri = params.textDocument.uri;
    const seen = new Set<string>();
    const out: CodeLens[] = [];
    for (const f of ctx.findings(uri)) {
      if (!SIM_CODES.includes(f.code) || seen.has(f.function)) continue;
      seen.add(f.function);
      const r = spanToRange(f.functionSpan);
      out.push({ range: { start: r.start, end: r.start }, command: { title: 'Simulate hotplug', command: SIMULATE_COMMAND, arguments: [uri, f.function] } });
    }
    return out;
  }, []));
}
