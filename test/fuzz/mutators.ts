// Mutators: turn a kernel-style seed file into the kinds of input a kernel tree and a half-typed edit produce.
// They work on bytes, so that NULs and invalid UTF-8 survive until the transport.
import { Rng } from './prng';

export interface Mutator {
  name: string;
  /** Relative frequency. The huge inputs are rarer, so a short budget still covers the cheap ones often. */
  weight: number;
  apply(input: Buffer, rng: Rng, corpus: readonly Buffer[]): Buffer;
}

/** Documents never grow past this, so a run stays within the memory bound of the fuzzer itself. */
export const MAX_DOC_BYTES = 11 * 1024 * 1024;

export const DEEP = 100_000;

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

function cap(buf: Buffer): Buffer {
  return buf.length > MAX_DOC_BYTES ? buf.subarray(0, MAX_DOC_BYTES) : buf;
}

function insertAt(buf: Buffer, at: number, ins: Buffer): Buffer {
  return cap(Buffer.concat([buf.subarray(0, at), ins, buf.subarray(at)]));
}

/** A position inside a function body when there is one, so deep nesting lands in an analysed statement. */
function bodyPosition(buf: Buffer, rng: Rng): number {
  const opens: number[] = [];
  for (let i = 0; i < buf.length && opens.length < 64; i++) if (buf[i] === 0x7b /* { */) opens.push(i + 1);
  return opens.length && rng.chance(0.8) ? rng.pick(opens) : rng.int(buf.length + 1);
}

const TOKENS = [
  'native_cpu_up(cpu, tidle);', 'xen_smp_intr_init(cpu);', 'set_cpu_online(cpu, true);', 'set_cpu_online(cpu, false);',
  'xen_smp_intr_free(cpu);', 'WARN_ON(', 'BUG_ON(rc);', 'if (', 'else', 'while (1)', 'for (;;)', 'do {', '} while (0);',
  'goto out;', 'out:', 'return rc;', 'switch (cpu) {', 'case 0:', 'default:', 'break;', 'continue;', '{', '}', '(', ')',
  ';', ',', '->', '.', '#define ', '#if 0\n', '#endif\n', '#ifdef CONFIG_SMP\n', '#else\n', '#include <', '\\\n',
  '/*', '*/', '//', '"', "'", '\'\\0\'', '"\\"', 'smp_ops.cpu_up(cpu, idle);', 'cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "x", cb, NULL);',
  'static int ', 'void ', 'struct smp_ops ', 'asm volatile("" ::: "memory");', '__attribute__((unused)) ', 'sizeof(',
  '[', ']', '?', ':', '=', '==', '&&', '||', '!', '~', '<<=', '...', 'typeof(', '({', '})', 'per_cpu(x, cpu)',
  'smp_processor_id()', 'HYPERVISOR_vcpu_op(VCPUOP_up, cpu, NULL);', 'for_each_online_cpu(cpu)', '\n', '\t', ' ',
];

const INVALID_UTF8: readonly number[][] = [
  [0xff], [0xfe], [0xc3, 0x28], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0x80], [0xbf, 0xbf], [0xed, 0xbf, 0xbf],
];

const ASTRAL = ['😀', '𝔘𝔫𝔦', '中文注释', 'é', 'ﬁ', '\u200b', '\u202e', '\ufeff', '\u2028', '\u0085', 'Ω'];

/** WTF-8 encoding of a lone surrogate: invalid UTF-8, and the encoder may turn it into a \\udXXX JSON escape. */
function loneSurrogate(rng: Rng): Buffer {
  const cp = 0xd800 + rng.int(0x800);
  return Buffer.from([0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)]);
}

function deepNest(open: string, close: string, depth: number, inner: string, balanced: boolean): Buffer {
  return b(open.repeat(depth) + inner + (balanced ? close.repeat(depth) : ''));
}

export const MUTATORS: readonly Mutator[] = [
  {
    name: 'bit-flip', weight: 10,
    apply(input, rng) {
      const out = Buffer.from(input);
      const n = rng.range(1, 16);
      for (let i = 0; i < n && out.length; i++) out[rng.int(out.length)] ^= 1 << rng.int(8);
      return out;
    },
  },
  {
    name: 'byte-set', weight: 8,
    apply(input, rng) {
      const out = Buffer.from(input);
      const chars = b('(){}[];"\'\\/*#\n\r\t,0');
      const n = rng.range(1, 24);
      for (let i = 0; i < n && out.length; i++) out[rng.int(out.length)] = rng.chance(0.2) ? rng.int(256) : rng.pick([...chars]);
      return out;
    },
  },
  {
    name: 'truncate', weight: 8,
    apply(input, rng) {
      return input.subarray(0, rng.int(input.length + 1));
    },
  },
  {
    name: 'delete-ranges', weight: 8,
    apply(input, rng) {
      let out = input;
      for (let n = rng.range(1, 6); n > 0 && out.length; n--) {
        const at = rng.int(out.length);
        const len = rng.range(1, Math.min(200, out.length - at));
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + len)]);
      }
      return out;
    },
  },
  {
    name: 'duplicate-ranges', weight: 8,
    apply(input, rng) {
      let out = input;
      for (let n = rng.range(1, 4); n > 0 && out.length; n--) {
        const at = rng.int(out.length);
        const len = rng.range(1, Math.min(2000, out.length - at));
        const copies = rng.chance(0.1) ? rng.range(2, 200) : 1;
        const piece = Buffer.concat(Array(copies).fill(out.subarray(at, at + len)));
        out = insertAt(out, rng.int(out.length + 1), piece);
      }
      return out;
    },
  },
  {
    name: 'splice-other', weight: 6,
    apply(input, rng, corpus) {
      const other = rng.pick(corpus);
      const from = rng.int(other.length);
      const piece = other.subarray(from, from + rng.range(1, other.length - from));
      return insertAt(input, rng.int(input.length + 1), piece);
    },
  },
  {
    name: 'insert-tokens', weight: 10,
    apply(input, rng) {
      let out = input;
      for (let n = rng.range(1, 20); n > 0; n--) out = insertAt(out, rng.int(out.length + 1), b(rng.pick(TOKENS)));
      return out;
    },
  },
  {
    name: 'deep-parens', weight: 3,
    apply(input, rng) {
      const balanced = rng.chance(0.7);
      const nest = rng.pick([['(', ')'], ['[', ']'], ['((', '))']] as const);
      const stmt = Buffer.concat([b('rc = '), deepNest(nest[0], nest[1], DEEP, 'native_cpu_up(cpu, tidle)', balanced), b(';\n')]);
      return insertAt(input, bodyPosition(input, rng), stmt);
    },
  },
  {
    name: 'deep-braces', weight: 3,
    apply(input, rng) {
      const balanced = rng.chance(0.7);
      return insertAt(input, bodyPosition(input, rng), deepNest('{', '}', DEEP, 'set_cpu_online(cpu, true);', balanced));
    },
  },
  {
    name: 'deep-statements', weight: 3,
    apply(input, rng) {
      // Shapes whose syntax trees are as deep as they are long: they break recursive tree walks.
      const shapes: (() => string)[] = [
        () => 'if (a) '.repeat(DEEP) + 'set_cpu_online(cpu, true);\n',
        () => 'if (a) x(); else '.repeat(DEEP / 4) + 'xen_smp_intr_init(cpu);\n',
        () => 'rc = ' + 'a + '.repeat(DEEP) + 'native_cpu_up(cpu, tidle);\n',
        () => 'rc = ' + '!'.repeat(DEEP) + 'xen_smp_intr_init(cpu);\n',
        () => 'rc = ' + '(int)'.repeat(DEEP / 2) + 'rc;\n',
        () => 'l: '.repeat(DEEP / 4) + 'native_cpu_up(cpu, tidle);\n',
        () => 'while (a) '.repeat(DEEP / 2) + 'smp_send_reschedule(cpu);\n',
        () => 'x = ' + 'a ? b : '.repeat(DEEP / 4) + 'c;\n',
        () => 'rc = ' + 'f('.repeat(DEEP / 4) + 'cpu' + ')'.repeat(DEEP / 4) + ';\n',
        () => 'do { '.repeat(DEEP / 8) + 'native_cpu_up(cpu, tidle);' + ' } while (0);'.repeat(DEEP / 8) + '\n',
        () => 'p' + '->next'.repeat(DEEP / 2) + '->cpu_up(cpu, idle);\n',
      ];
      return insertAt(input, bodyPosition(input, rng), b(rng.pick(shapes)()));
    },
  },
  {
    name: 'deep-preprocessor', weight: 2,
    apply(input, rng) {
      const n = DEEP / 10;
      const shape = rng.pick([
        () => '#ifdef CONFIG_X\n'.repeat(n) + 'static int y;\n' + '#endif\n'.repeat(rng.chance(0.5) ? n : 0),
        () => '#define M0(x) x\n' + Array.from({ length: 2000 }, (_, i) => `#define M${i + 1}(x) M${i}(x)`).join('\n') + '\n',
        () => 'int v[] = ' + '{'.repeat(n) + '0' + '}'.repeat(n) + ';\n',
      ]);
      return insertAt(input, rng.chance(0.5) ? 0 : input.length, b(shape()));
    },
  },
  {
    name: 'long-line', weight: 1,
    apply(input, rng) {
      // 10 MB is above the default size limit; 1 MB is below it and must be analysed within the bound.
      const bytes = rng.pick([1 << 20, 10 << 20]);
      const unit = rng.pick(['/* xxxxxxxxxxxxxx */', 'a', '"s" ', 'x, ', 'cpu ', '\\', '\t', ' ', '0']);
      const line = b(unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes));
      return insertAt(input, rng.chance(0.5) ? bodyPosition(input, rng) : input.length, line);
    },
  },
  {
    name: 'nul-bytes', weight: 5,
    apply(input, rng) {
      let out = input;
      for (let n = rng.range(1, 8); n > 0; n--) out = insertAt(out, rng.int(out.length + 1), Buffer.alloc(rng.range(1, 4)));
      return out;
    },
  },
  {
    name: 'invalid-utf8', weight: 6,
    apply(input, rng) {
      let out = input;
      for (let n = rng.range(1, 10); n > 0; n--) out = insertAt(out, rng.int(out.length + 1), Buffer.from(rng.pick(INVALID_UTF8)));
      return out;
    },
  },
  {
    name: 'lone-surrogates', weight: 4,
    apply(input, rng) {
      let out = input;
      for (let n = rng.range(1, 6); n > 0; n--) out = insertAt(out, rng.int(out.length + 1), loneSurrogate(rng));
      return out;
    },
  },
  {
    name: 'astral-and-bidi', weight: 5,
    apply(input, rng) {
      let out = input;
      for (let n = rng.range(1, 10); n > 0; n--) out = insertAt(out, rng.int(out.length + 1), b(rng.pick(ASTRAL)));
      return out;
    },
  },
  {
    name: 'line-endings', weight: 4,
    apply(input, rng) {
      const s = input.toString('latin1');
      const eol = rng.pick(['\r\n', '\r', '\n\r', '\u2028']);
      return Buffer.from(s.replace(/\n/g, eol), eol === '\u2028' ? 'utf8' : 'latin1');
    },
  },
  {
    name: 'unterminated', weight: 5,
    apply(input, rng) {
      return insertAt(input, rng.int(input.length + 1), b(rng.pick(['/*', '"', "'", '#if 1\n', 'R"(', '\\', '#define X \\\n', '{', '('])));
    },
  },
  {
    name: 'binary-blob', weight: 2,
    apply(input, rng) {
      const out = Buffer.alloc(rng.range(1, 256 * 1024));
      for (let i = 0; i < out.length; i++) out[i] = rng.int(256);
      return rng.chance(0.5) ? out : Buffer.concat([input, out]);
    },
  },
  {
    name: 'empty', weight: 1,
    apply() {
      return Buffer.alloc(0);
    },
  },
];

/** Apply 1..maxSteps mutators in sequence; returns the document and the mutator names (for the failure report). */
export function mutate(seed: Buffer, rng: Rng, corpus: readonly Buffer[], maxSteps = 4): { doc: Buffer; steps: string[] } {
  let doc = seed;
  const steps: string[] = [];
  const table = MUTATORS.map((m) => [m.weight, m] as const);
  for (let n = rng.range(1, maxSteps); n > 0; n--) {
    const m = rng.weighted(table);
    doc = cap(m.apply(doc, rng, corpus));
    steps.push(m.name);
  }
  return { doc, steps };
}

export function mutatorByName(name: string): Mutator {
  const m = MUTATORS.find((x) => x.name === name);
  if (!m) throw new Error(`no mutator named ${name}`);
  return m;
}
