// Whether a knowledge-base name's `when` conditions can hold at a call, told from the raw text of its arguments,
// before any parse: the admission gate leaves unparsed a file whose only knowledge-base calls cannot have events
// (cpumask_set_cpu(cpu, &my_mask): 255 kernel files call it, 8 on the online mask).
// A superset of events.ts's whenHolds: "cannot hold" here means it does not hold there.
import type { KnowledgeBase } from './kb/kb';
import { SELF, normaliseText } from './cpu-identity';
import { blankAnnotations } from './parse';

/**
 * False only when no entry for `name` can apply to a call whose arguments are in `args` (its group and the rest of
 * its statement, from occurrences.ts's callArguments). Names without entries, and entries without conditions, can.
 */
export function kbCallMayApply(kb: KnowledgeBase, name: string, args: string): boolean {
  const entries = kb.forFunction(name);
  if (!entries.length || entries.some((e) => !e.when?.length)) return true;
  // The parser sees annotations blanked, loop macros rewritten, and macro bodies without comments or line
  // splices; rather than follow those inside an argument list, count such a list as one where anything can hold.
  if (/\/\*|\/\/|\\/.test(args) || blankAnnotations(args) !== args) return true;
  if (kb.lexicon.loopMacroPrefixes.some((p) => p && args.includes(p))) return true;
  // whenHolds compares an argument's text or its CPU key, and only in an argument list without syntax errors, which
  // ends at this group's ')'. Both are, once blanks, parentheses and '&' are dropped, a contiguous part of the
  // argument list so treated (or 'self').
  const hay = strip(args);
  const lower = hay.toLowerCase();
  return entries.some((e) => e.when!.every((w) => w.oneOf.some((v) => valueMayMatch(v, hay, lower))));
}

/** `*` values are case-insensitive globs over the argument's text: each part between stars is in it. */
function valueMayMatch(v: string, hay: string, lower: string): boolean {
  if (v.includes('*')) return v.split('*').every((part) => lower.includes(strip(part).toLowerCase()));
  const n = normaliseText(v);
  return n === SELF || hay.includes(strip(n));
}

function strip(s: string): string {
  return s.replace(/[\s()&]/g, '');
}

/** The identifiers of an argument list, outside string and character literals (a registration's callbacks). */
export function namesInArguments(args: string): string[] {
  return [...new Set(args.replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, ' ').match(/[A-Za-z_]\w*/g) ?? [])];
}

/**
 * The identifier an argument of a call is, when it is one (parentheses, `&` and blanks around allowed): the
 * argument `index` of `args` (its group and the rest of its statement, from callArguments). Undefined for any
 * other argument, or a list that does not have it.
 */
export function identifierArgument(args: string, index: number): string | undefined {
  let depth = 0;
  let at = 0;
  let from = 0;
  for (let i = 0; i <= args.length; i++) {
    const c = args[i];
    if (c === '"' || c === "'") {
      for (i++; i < args.length && args[i] !== c; i++) if (args[i] === '\\') i++;
      if (i >= args.length) return undefined;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (i === args.length || (depth === 0 && (c === ',' || c === ')'))) {
      if (at === index) return /^[\s(&]*([A-Za-z_]\w*)[\s)]*$/.exec(args.slice(from, i))?.[1];
      if (c !== ',') return undefined;
      at++;
      from = i + 1;
    } else if (c === ')' || c === ']' || c === '}') depth--;
  }
  return undefined;
}
