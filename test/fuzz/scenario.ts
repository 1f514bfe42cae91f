// One fuzz run: a mutated document opened in the server, edited by a storm of didChange notifications with
// out-of-order versions, and queried at random positions. Everything random comes from the run's own Rng.
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Rng } from './prng';
import { mutate } from './mutators';

export type Step =
  | { kind: 'open'; uri: string; languageId: string; version: number; bytes: Buffer; escapeSurrogates: boolean }
  | { kind: 'change'; uri: string; version: number; changes: Change[] }
  | { kind: 'request'; method: string; params: unknown }
  | { kind: 'settings'; value: unknown }
  | { kind: 'disk'; name: string; bytes: Buffer }
  | { kind: 'save'; uri: string }
  | { kind: 'close'; uri: string }
  | { kind: 'wait'; ms: number };

export interface Change {
  range?: { start: Pos; end: Pos };
  text: string;
}

interface Pos {
  line: number;
  character: number;
}

export interface Scenario {
  run: number;
  mutations: string[];
  seedFile: string;
  docBytes: number;
  uri: string;
  steps: Step[];
}

const SETTINGS_VARIANTS: (() => unknown)[] = [
  () => ({}),
  () => null,
  () => 'not an object',
  () => [1, 2, 3],
  () => ({ maxFileSize: -1, functionBudgetMs: 'fast', severity: { HP001: 'fatal', HP999: 'error' }, exclude: 'drivers/**' }),
  () => ({ maxFileSize: 1024, functionBudgetMs: 10 }),
  () => ({ maxFileSize: 1e300, functionBudgetMs: Number.MAX_SAFE_INTEGER, simulator: { cpus: 1e9 } }),
  () => ({ severity: { HP001: 'off', HP002: 'hint', HP003: 'information', HP004: 'warning' } }),
  () => ({ exclude: ['**/*', '[', '{a,b', '!(x)', '\\'], rulesFile: '../../../../etc/passwd' }),
  () => ({ rules: [{ name: 'evil_up', role: 'online-sync', cpuArg: 0 }, { name: 42 }, null, 'x', { role: '__proto__' }] }),
  () => ({ rules: 'not a list', trace: { server: 'loud' }, severity: [] }),
  () => ({ ['__proto__']: { maxFileSize: 1 }, constructor: { prototype: { polluted: true } } }),
];

function languageIdFor(rng: Rng): string {
  return rng.weighted([[8, 'c'], [1, 'cpp'], [1, 'plaintext']] as const);
}

/** URIs a workspace can really produce: spaces, percent signs, unicode, other schemes. */
function uriFor(rng: Rng, root: string, run: number, seedFile: string): string {
  const ext = seedFile.endsWith('.h') ? '.h' : '.c';
  const base = `file://${encodeURI(root)}`;
  return rng.weighted([
    [10, `${base}/run-${run}${ext}`],
    [1, `${base}/dir%20with%20space/r%C3%A9-${run}${ext}`],
    [1, `${base}/%2E%2E/%2E%2E/escape-${run}${ext}`],
    [1, `untitled:Untitled-${run}`],
    [1, `${base}/q-${run}${ext}?query=1#frag`],
    [1, `${base}/${'deep/'.repeat(200)}long-${run}${ext}`],
  ] as const);
}

/** A position in `doc`, mostly valid, sometimes past the end or nonsensical. */
function position(rng: Rng, doc: TextDocument): Pos {
  const lines = doc.lineCount;
  if (rng.chance(0.05)) return { line: rng.pick([lines, lines + 1, 2 ** 31 - 1, 1e9]), character: rng.int(100) };
  if (rng.chance(0.02)) return { line: -1, character: -1 };
  const line = rng.int(lines);
  const start = doc.offsetAt({ line, character: 0 });
  const end = line + 1 < lines ? doc.offsetAt({ line: line + 1, character: 0 }) : doc.getText().length;
  const width = Math.max(0, end - start);
  const character = rng.chance(0.05) ? width + rng.range(1, 1000) : rng.int(width + 1);
  return { line, character };
}

function range(rng: Rng, doc: TextDocument): { start: Pos; end: Pos } {
  const a = position(rng, doc);
  if (rng.chance(0.1)) return { start: a, end: position(rng, doc) }; // possibly reversed
  const off = doc.offsetAt(a);
  return { start: a, end: doc.positionAt(off + rng.int(rng.chance(0.1) ? 5000 : 40)) };
}

const EDIT_TEXTS = [
  '', ' ', '\n', '(', ')', '{', '}', ';', '/*', '*/', '"', 'rc = native_cpu_up(cpu, tidle);\n', 'xen_smp_intr_init(cpu);\n',
  'if (rc)\n\treturn rc;\n', 'set_cpu_online(cpu, true);', '\u0000', '😀', '\r\n', '\r', '\\\n', '#if 0\n', '#endif\n',
  '\ud800', '\udfff', 'a'.repeat(10_000),
];

function editText(rng: Rng, corpus: readonly Buffer[]): string {
  if (rng.chance(0.15)) {
    const src = rng.pick(corpus).toString('utf8');
    const from = rng.int(src.length);
    return src.slice(from, from + rng.range(1, 400));
  }
  return rng.pick(EDIT_TEXTS);
}

function request(rng: Rng, uri: string, doc: TextDocument): Step {
  const td = { uri };
  const method = rng.weighted([
    [10, 'textDocument/hover'],
    [8, 'textDocument/codeAction'],
    [5, 'textDocument/codeLens'],
    [2, 'workspace/executeCommand'],
    [1, 'textDocument/documentSymbol'],
  ] as const);
  switch (method) {
    case 'textDocument/hover':
      return { kind: 'request', method, params: { textDocument: td, position: position(rng, doc) } };
    case 'textDocument/codeAction': {
      const only = rng.pick([undefined, ['quickfix'], ['source.fixAll.hotplug-race'], ['refactor'], []]);
      const diagnostics = rng.chance(0.3)
        ? [{ range: range(rng, doc), message: 'x', code: rng.pick(['HP001', 'HP002', 'HP003', 'HP004', 'HP900', 'bogus', 7]), source: 'hotplug-race' }]
        : [];
      return { kind: 'request', method, params: { textDocument: td, range: range(rng, doc), context: { diagnostics, only } } };
    }
    case 'textDocument/codeLens':
      return { kind: 'request', method, params: { textDocument: td } };
    case 'workspace/executeCommand': {
      const command = rng.pick(['hotplugRace.applyAllFixes', 'hotplugRace.simulate.server', 'no.such.command']);
      const args = rng.pick([[], [uri], [uri, doc.version], [uri, -5], [{ uri, version: 'x' }], [null], ['file:///etc/passwd'], [uri, { function: 'x'.repeat(1000) }]]);
      return { kind: 'request', method, params: { command, arguments: args } };
    }
    default:
      return { kind: 'request', method, params: { textDocument: td } };
  }
}

/** Build run `run` of seed `seed`. Pure: the same (seed, run) always gives the same steps. */
export function buildScenario(seed: number, run: number, corpus: readonly { name: string; bytes: Buffer }[], root: string): Scenario {
  const rng = new Rng(seed, run);
  const seedEntry = rng.pick(corpus);
  const { doc: bytes, steps: mutations } = mutate(seedEntry.bytes, rng, corpus.map((c) => c.bytes));
  const uri = uriFor(rng, root, run, seedEntry.name);
  const languageId = languageIdFor(rng);
  const steps: Step[] = [];

  if (rng.chance(0.15)) steps.push({ kind: 'settings', value: rng.pick(SETTINGS_VARIANTS)() });
  if (rng.chance(0.1)) steps.push({ kind: 'disk', name: `disk-${rng.int(4)}${rng.chance(0.5) ? '.c' : '.h'}`, bytes });

  let version = rng.pick([1, 0, 7, 2 ** 31 - 1]);
  steps.push({ kind: 'open', uri, languageId, version, bytes, escapeSurrogates: rng.chance(0.5) });
  // The fuzzer's model of the text, as the server decodes it (U+FFFD for invalid bytes).
  let doc = TextDocument.create(uri, languageId, version, bytes.toString('utf8'));

  const ops = rng.range(2, 25);
  for (let i = 0; i < ops; i++) {
    const what = rng.weighted([[6, 'request'], [4, 'change'], [1, 'storm'], [1, 'wait'], [0.3, 'save']] as const);
    if (what === 'request') steps.push(request(rng, uri, doc));
    else if (what === 'wait') steps.push({ kind: 'wait', ms: rng.range(0, 150) });
    else if (what === 'save') steps.push({ kind: 'save', uri });
    else {
      const n = what === 'storm' ? rng.range(20, 200) : 1;
      for (let k = 0; k < n; k++) {
        const changes: Change[] = [];
        for (let c = rng.range(1, 3); c > 0; c--) {
          if (rng.chance(0.03)) changes.push({ text: editText(rng, corpus.map((x) => x.bytes)) });
          else changes.push({ range: range(rng, doc), text: editText(rng, corpus.map((x) => x.bytes)) });
        }
        // Out of order: a lower, equal or wildly higher version than the last one.
        version = rng.weighted([[8, version + 1], [1, version - rng.range(1, 5)], [1, version], [0.3, 2 ** 31 - 1], [0.3, -1]] as const);
        steps.push({ kind: 'change', uri, version, changes });
        doc = TextDocument.update(doc, changes.map((c) => (c.range ? { range: c.range, text: c.text } : { text: c.text })), version);
        if (what === 'storm' && rng.chance(0.1)) steps.push(request(rng, uri, doc));
      }
    }
  }
  if (rng.chance(0.9)) steps.push({ kind: 'close', uri });
  return { run, mutations, seedFile: seedEntry.name, docBytes: bytes.length, uri, steps };
}
