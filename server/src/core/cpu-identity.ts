// Normalised CPU keys: 'self' for the running CPU, otherwise the expression without casts, parentheses, '&' or blanks.
import type { Lexicon } from './kb/kb';
import { SyntaxNode, findAll } from './parse';
import { declaratorName } from './cfg';

export const SELF = 'self';

export interface CpuContext {
  lexicon: Lexicon;
  /** Local variables that only ever hold the running CPU. */
  selfVars: ReadonlySet<string>;
}

const MAX_DEPTH = 40;

/** Normalised key of a CPU expression. */
export function cpuKey(n: SyntaxNode, ctx: CpuContext, depth = 0): string {
  if (depth > MAX_DEPTH) return squash(n.text);
  switch (n.type) {
    case 'parenthesized_expression': {
      const inner = n.namedChildren.find((x) => x.type !== 'comment');
      return inner ? cpuKey(inner, ctx, depth + 1) : '';
    }
    case 'cast_expression': {
      const v = n.childForFieldName('value');
      return v ? cpuKey(v, ctx, depth + 1) : squash(n.text);
    }
    case 'pointer_expression': {
      const arg = n.childForFieldName('argument');
      if (arg && n.child(0)?.type === '&') return cpuKey(arg, ctx, depth + 1);
      return squash(n.text);
    }
    case 'identifier':
      return ctx.selfVars.has(n.text) ? SELF : n.text;
    case 'call_expression': {
      const fn = n.childForFieldName('function');
      const name = fn?.type === 'identifier' ? fn.text : '';
      if (ctx.lexicon.selfCpu.includes(name)) return SELF;
      const m = ctx.lexicon.cpuMappers.find((x) => x.name === name);
      const args = argNodes(n);
      if (m && args[m.arg]) return cpuKey(args[m.arg], ctx, depth + 1);
      return squash(n.text);
    }
    case 'field_expression': {
      // per_cpu(var, cpu).irq and friends name the same CPU.
      const obj = n.childForFieldName('argument');
      if (obj) {
        const inner = stripWrap(obj);
        if (inner.type === 'call_expression') {
          const fn = inner.childForFieldName('function');
          if (fn && ctx.lexicon.cpuMappers.some((x) => x.name === fn.text)) return cpuKey(inner, ctx, depth + 1);
        }
      }
      return squash(n.text);
    }
    default:
      return squash(n.text);
  }
}

function stripWrap(n: SyntaxNode): SyntaxNode {
  let cur = n;
  for (let i = 0; i < 20 && (cur.type === 'parenthesized_expression' || cur.type === 'pointer_expression'); i++) {
    const inner = cur.type === 'pointer_expression' ? cur.childForFieldName('argument') : cur.namedChildren[0];
    if (!inner) break;
    cur = inner;
  }
  return cur;
}

/** Removes blanks and parentheses that do not follow an identifier (so calls keep theirs). */
export function squash(text: string): string {
  const s = text.replace(/\s+/g, '');
  let out = '';
  const keep: boolean[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') {
      const isCall = i > 0 && /[\w\]]/.test(s[i - 1]);
      keep.push(isCall);
      if (isCall) out += c;
    } else if (c === ')') {
      if (keep.pop()) out += c;
    } else out += c;
  }
  return out.replace(/^&+/, '');
}

/** Normalises text written in a rules file or the KB (`&__cpu_online_mask`, `true`). */
export function normaliseText(text: string): string {
  return squash(text);
}

export function argNodes(call: SyntaxNode): SyntaxNode[] {
  const list = call.childForFieldName('arguments');
  return list ? list.namedChildren.filter((x) => x.type !== 'comment') : [];
}

/** True when the expression is a call that yields the running CPU (through casts and parentheses). */
export function isSelfCall(n: SyntaxNode, lexicon: Lexicon): boolean {
  let cur = n;
  for (let i = 0; i < 20; i++) {
    if (cur.type === 'parenthesized_expression') cur = cur.namedChildren[0] ?? cur;
    else if (cur.type === 'cast_expression') cur = cur.childForFieldName('value') ?? cur;
    else break;
  }
  if (cur.type !== 'call_expression') return false;
  const fn = cur.childForFieldName('function');
  return !!fn && fn.type === 'identifier' && lexicon.selfCpu.includes(fn.text);
}

const SELF_TYPES = new Set(['init_declarator', 'assignment_expression', 'update_expression', 'pointer_expression']);

/** Local variables of `fn` assigned (initialiser or assignment) only from self-CPU calls. */
export function findSelfVars(fn: SyntaxNode, params: readonly string[], lexicon: Lexicon): Set<string> {
  const good = new Set<string>();
  const body = fn.childForFieldName('body');
  if (!body) return good;
  const text = body.text;
  if (!lexicon.selfCpu.some((s) => text.includes(s))) return good;
  const bad = new Set<string>(params);
  for (const n of findAll(body, SELF_TYPES)) {
    if (n.type === 'init_declarator') {
      const d = n.childForFieldName('declarator');
      const name = d ? declaratorName(d) : undefined;
      const v = n.childForFieldName('value');
      if (name) (v && isSelfCall(v, lexicon) ? good : bad).add(name);
    } else if (n.type === 'assignment_expression') {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      if (l?.type === 'identifier') (r && n.child(1)?.type === '=' && isSelfCall(r, lexicon) ? good : bad).add(l.text);
    } else if (n.type === 'update_expression') {
      const a = n.childForFieldName('argument');
      if (a?.type === 'identifier') bad.add(a.text);
    } else if (n.child(0)?.type === '&') {
      const a = n.childForFieldName('argument');
      if (a?.type === 'identifier') bad.add(a.text);
    }
  }
  for (const b of bad) good.delete(b);
  return good;
}
