// `hotplug-race simulate FILE --function NAME [--fixed] [--cpus N] [--format text|json] [--emit promela]`.
// Exit 0: safe; 1: race; 2: usage, I/O or model error; 3: bounded (a bound was hit: NOT a proof of safety).
import * as fs from 'fs';
import { KnowledgeBase } from '../core/kb/kb';
import { loadRulesFile } from '../core/kb/rules-file';
import { Project } from '../core/project';
import { preferredFix } from '../fix';
import { resolve, simulateFunction, type ProjectSimOptions } from '../sim/from-project';
import { toPromela } from '../sim/promela';
import { buildScenario, ModelError } from '../sim/program';
import { configOf, toJson } from '../sim/simulate';
import { traceText } from '../sim/trace-text';
import { type CliIo, parseArgs, UsageError } from './args';

export const SIMULATE_HELP = `Usage: hotplug-race simulate FILE --function NAME [options]

Replays the function's hot-plug path in a model of CPU bring-up and teardown: the BP, the AP being brought
up, N other online CPUs running RCU grace-period forcing, the clocksource watchdog and smp_call_function,
all interleavings explored breadth-first. A race is an IPI sent to a CPU whose vector is not bound.

Options:
  --function NAME            the function to simulate (required)
  --fixed                    simulate the code after its preferred quick fix (or the minimal reorder)
  --cpus N                   other online CPUs besides BP and AP (default 2, at most 14)
  --format text|json         text is the .hptrace format (default text)
  --emit promela             print the model as Promela for Spin instead of simulating
  --max-states N             state bound (default 2000000)
  --timeout-ms N             time bound (default 10000)
  --rules FILE               extra knowledge-base rules (.hotplug-race.json format)
  -h, --help                 this help

Exit codes: 0 safe, 1 race, 2 usage, I/O or model error, 3 bounded (a bound was reached; not safe).
`;

const MAX_FILE = 5 * 1024 * 1024;

export async function run(argv: string[], io: CliIo): Promise<number> {
  const fail = (msg: string) => (io.err(`hotplug-race simulate: ${msg}\n`), 2);
  let values: Record<string, string | boolean | string[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs(argv, {
      function: { type: 'string' },
      fixed: { type: 'boolean' },
      cpus: { type: 'string' },
      format: { type: 'string', short: 'f' },
      emit: { type: 'string' },
      'max-states': { type: 'string' },
      'timeout-ms': { type: 'string' },
      rules: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    }));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`hotplug-race simulate: ${err.message}\n\n${SIMULATE_HELP}`);
    return 2;
  }
  if (values.help) {
    io.out(SIMULATE_HELP);
    return 0;
  }
  if (positionals.length !== 1) return fail(`expected one FILE, got ${positionals.length}\n\n${SIMULATE_HELP}`);
  const fn = values.function;
  if (typeof fn !== 'string' || !/^[A-Za-z_]\w*$/.test(fn)) return fail(typeof fn === 'string' ? `'${fn}' is not a C function name` : '--function NAME is required');
  const format = (values.format as string | undefined) ?? 'text';
  if (format !== 'text' && format !== 'json') return fail(`unknown format '${format}' (use text or json)`);
  if (values.emit !== undefined && values.emit !== 'promela') return fail(`unknown --emit '${values.emit}' (only promela)`);
  const int = (name: string, min: number, max: number): number | undefined | string => {
    const v = values[name];
    if (v === undefined) return undefined;
    const n = Number(v);
    return Number.isInteger(n) && n >= min && n <= max ? n : `--${name} must be an integer from ${min} to ${max}, not '${v}'`;
  };
  const cpus = int('cpus', 0, 14);
  const maxStates = int('max-states', 1, 100_000_000);
  const maxMs = int('timeout-ms', 1, 3_600_000);
  for (const v of [cpus, maxStates, maxMs]) if (typeof v === 'string') return fail(v);

  const file = positionals[0];
  let text: string;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return fail(`${file} is not a regular file`);
    if (st.size > MAX_FILE) return fail(`${file} is too large (${st.size} bytes; the limit is ${MAX_FILE})`);
    const buf = fs.readFileSync(file);
    if (buf.includes(0)) return fail(`${file} looks binary (it contains NUL bytes), not C source`);
    text = buf.toString('utf8');
  } catch (err) {
    return fail(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }

  let kb = KnowledgeBase.builtin();
  if (typeof values.rules === 'string') {
    const { entries, problems } = loadRulesFile(values.rules);
    for (const p of problems) io.err(`${p.span ? `${values.rules}:${p.span.startLine + 1}:${p.span.startCol + 1}` : values.rules}: ${p.severity}: ${p.message}\n`);
    if (problems.some((p) => p.severity === 'error')) return 2;
    kb = kb.extend(entries);
  }
  const project = new Project(kb);
  project.setFile(file, text);
  if (!project.functions(file).some((f) => f.name === fn)) return fail(`no function '${fn}' in ${file}`);

  const opts: ProjectSimOptions = {
    cpus: cpus as number | undefined,
    fixed: !!values.fixed,
    maxStates: maxStates as number | undefined,
    maxMs: maxMs as number | undefined,
    fix: (finding, t) => preferredFix({ findingsForText: (f, x) => project.findingsForText(f, x), kb: project.kb }, finding, t),
  };

  if (values.emit === 'promela') {
    const res = resolve(project, file, fn, opts);
    if (typeof res === 'string') return fail(res);
    try {
      io.out(toPromela(buildScenario(opts.fixed ? res.fixed ?? res.input : res.input), configOf(opts)));
    } catch (e) {
      if (e instanceof ModelError) return fail(e.message);
      throw e;
    }
    return 0;
  }

  const r = simulateFunction(project, file, fn, opts);
  if (format === 'json') io.out(JSON.stringify(toJson(r), null, 2) + '\n');
  else io.out(traceText(r));
  if (r.verdict === 'error') {
    io.err(`hotplug-race simulate: cannot model ${fn}(): ${r.reason}\n`);
    return 2;
  }
  return r.verdict === 'safe' ? 0 : r.verdict === 'race' ? 1 : 3;
}
