// Rules files (.hotplug-race.json, --rules FILE) and the hotplugRace.rules setting: user knowledge-base entries.
// JSONC is parsed into a tree so every problem can be placed; the JSON schema is checked with ajv (draft-07).
// Nothing here throws: every failure becomes an InputProblem.
import * as fs from 'fs';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parseTree, findNodeAtLocation, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { ArgCondition, InputProblem, KbEntry, Role, Span } from '../types';
import { LineIndex } from './text-position';
import { normaliseEntryName } from './builtin';
import schema from '../../../../schemas/hotplug-race.schema.json';

export interface RulesResult {
  entries: KbEntry[];
  problems: InputProblem[];
}

/** Rules files larger than this are refused (a real one is a few kilobytes). */
export const MAX_RULES_FILE_BYTES = 1024 * 1024;

export const ROLES: readonly Role[] = ['online-sync', 'online-kick', 'online-direct', 'ipi-setup', 'offline', 'offline-wait', 'ipi-teardown', 'ipi-send', 'hotplug-state'];
const RULE_PROPS = ['name', 'kind', 'role', 'cpu', 'when', 'returnsStatus', 'guarded', 'vectors', 'callbacks', 'note'];

type Path = (string | number)[];
/** Where a problem is: a place in a text, or only a path (settings). */
interface Locator {
  /** With `key`: that property's name in the object at `path`; with `head`: only the first character (a missing property). */
  span(path: Path, key?: string, head?: boolean): Span | undefined;
}

// The document and each rule are validated separately: ajv's allErrors mode slows down quadratically with the
// number of errors in one validation, and a rule's errors are per rule anyway.
let validators: { root: ValidateFunction; rule: ValidateFunction } | undefined;
function compiled(): { root: ValidateFunction; rule: ValidateFunction } {
  if (!validators) {
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false });
    ajv.addVocabulary(['markdownDescription', 'enumDescriptions']);
    const s = schema as Record<string, any>;
    const root = ajv.compile({ ...s, properties: { ...s.properties, rules: { type: 'array' } } });
    const rule = ajv.compile({ $schema: s.$schema, definitions: s.definitions, $ref: '#/definitions/rule' });
    validators = { root, rule };
  }
  return validators;
}

/** Schema errors of the whole document, with rule errors' paths under /rules/i. */
function schemaErrors(doc: unknown): ErrorObject[] {
  const { root, rule } = compiled();
  const out: ErrorObject[] = [];
  if (!root(doc)) out.push(...(root.errors ?? []));
  const rules = isObject(doc) ? doc.rules : undefined;
  if (Array.isArray(rules)) {
    rules.forEach((r, i) => {
      if (!rule(r)) for (const e of rule.errors ?? []) out.push({ ...e, instancePath: `/rules/${i}${e.instancePath}` });
    });
  }
  return out;
}

/** Reads and loads a rules file; I/O errors, binary and oversized files become problems. */
export function loadRulesFile(path: string): RulesResult {
  let buf: Buffer;
  try {
    const st = fs.statSync(path);
    if (!st.isFile()) return fail(path, 'rules file is not a regular file');
    if (st.size > MAX_RULES_FILE_BYTES) return fail(path, `rules file is too large (${st.size} bytes; the limit is ${MAX_RULES_FILE_BYTES})`);
    buf = fs.readFileSync(path);
  } catch (e) {
    return fail(path, `cannot read rules file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (buf.includes(0)) return fail(path, 'rules file is binary (contains NUL bytes); expected JSON');
  return loadRulesText(path, buf.toString('utf8'));
}

/** Parses and validates the text of a rules file. `path` names the file in problems and is each entry's source. */
export function loadRulesText(path: string, text: string): RulesResult {
  if (typeof text !== 'string') return fail(path, 'rules file has no text');
  if (text.length > MAX_RULES_FILE_BYTES) return fail(path, `rules file is too large (${text.length} characters; the limit is ${MAX_RULES_FILE_BYTES})`);
  // Editors drop a BOM from the text, so positions are counted without it.
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = new LineIndex(src);
  const errors: ParseError[] = [];
  let root: Node | undefined;
  try {
    root = parseTree(src, errors, { allowTrailingComma: true, disallowComments: false });
  } catch (e) {
    return fail(path, `cannot parse rules file: ${tooDeep(e)}`);
  }
  if (!/\S/.test(src.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, ''))) {
    return { entries: [], problems: [{ file: path, severity: 'error', span: lines.span(0, 0), message: 'rules file is empty; expected { "rules": [ ... ] }' }] };
  }
  if (errors.length || !root) {
    const problems: InputProblem[] = errors.slice(0, MAX_PROBLEMS).map((e) => ({
      file: path, severity: 'error', span: lines.span(e.offset, e.offset + e.length), message: `JSON syntax error: ${describeParseError(e)}`,
    }));
    if (errors.length > MAX_PROBLEMS) problems.push({ file: path, severity: 'error', message: `${errors.length - MAX_PROBLEMS} more syntax error(s) not shown` });
    if (!problems.length) problems.push({ file: path, severity: 'error', span: lines.span(0, 0), message: 'rules file is empty; expected { "rules": [ ... ] }' });
    return { entries: [], problems };
  }
  const locator: Locator = {
    span(p, key, head) {
      const node = findNodeAtLocation(root!, p);
      if (!node) return lines.span(root!.offset, root!.offset + 1);
      if (head) return lines.span(node.offset, node.offset + 1);
      if (key !== undefined && node.type === 'object') {
        const prop = node.children?.find((c) => c.children?.[0]?.value === key);
        if (prop?.children?.[0]) return lines.span(prop.children[0].offset, prop.children[0].offset + prop.children[0].length);
      }
      // A property value: the value node. An object or array: its whole extent.
      return lines.span(node.offset, node.offset + node.length);
    },
  };
  let value: unknown;
  try {
    value = nodeValue(root);
  } catch (e) {
    return fail(path, `cannot read rules file: ${tooDeep(e)}`);
  }
  try {
    return check(value, path, path, locator, []);
  } catch (e) {
    return fail(path, `cannot read rules file: ${tooDeep(e)}`);
  }
}

/** Loads the hotplugRace.rules setting (an array of rules, in the file format). Problems name the setting path. */
export function loadRulesSetting(value: unknown, source = 'settings', label = 'hotplugRace.rules'): RulesResult {
  if (value === undefined || value === null) return { entries: [], problems: [] };
  const locator: Locator = { span: () => undefined };
  try {
    return check({ rules: value }, source, label, locator, ['rules']);
  } catch (e) {
    return fail(label, `cannot read ${label}: ${(e as Error).message}`);
  }
}

function tooDeep(e: unknown): string {
  return e instanceof RangeError ? 'it is nested too deeply' : (e as Error).message;
}

/** At most this many problems are listed; the rest are counted in one last problem. */
export const MAX_PROBLEMS = 100;

function capped(problems: InputProblem[], file: string): InputProblem[] {
  problems.sort((a, b) => (a.span?.start ?? 0) - (b.span?.start ?? 0));
  if (problems.length <= MAX_PROBLEMS) return problems;
  const rest = problems.length - MAX_PROBLEMS;
  return [...problems.slice(0, MAX_PROBLEMS), { file, severity: 'error', message: `${rest} more problem(s) not shown` }];
}

function fail(file: string, message: string): RulesResult {
  return { entries: [], problems: [{ file, severity: 'error', message }] };
}

function describeParseError(e: ParseError): string {
  const name = printParseErrorCode(e.error);
  const words: Record<string, string> = {
    InvalidSymbol: 'unexpected character', InvalidNumberFormat: 'invalid number', PropertyNameExpected: 'property name expected',
    ValueExpected: 'value expected', ColonExpected: "':' expected", CommaExpected: "',' expected",
    CloseBraceExpected: "'}' expected", CloseBracketExpected: "']' expected", EndOfFileExpected: 'end of file expected',
    InvalidCommentToken: 'invalid comment', UnexpectedEndOfComment: 'unterminated comment', UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unexpected end of number', InvalidUnicode: 'invalid unicode escape', InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character in string',
  };
  return words[name] ?? name;
}

/** The JSON value of a parse-tree node. Duplicate keys keep the last value, as JSON.parse does. */
function nodeValue(n: Node): unknown {
  switch (n.type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const p of n.children ?? []) {
        const [k, v] = p.children ?? [];
        if (k && v) Object.defineProperty(o, String(k.value), { value: nodeValue(v), enumerable: true, writable: true, configurable: true });
      }
      return o;
    }
    case 'array':
      return (n.children ?? []).map(nodeValue);
    default:
      return n.value;
  }
}

/**
 * Validates `doc` ({ rules: [...] }) and turns its valid rules into entries. `file` names the problems' origin;
 * paths under `rootPath` are shown after it (hotplugRace.rules[2].cpu), others as they are (rules[2].cpu).
 */
function check(doc: unknown, source: string, file: string, loc: Locator, rootPath: Path): RulesResult {
  const problems: InputProblem[] = [];
  const at = (p: Path, message: string, severity: InputProblem['severity'] = 'error', key?: string, head?: boolean) => {
    const span = loc.span(p, key, head);
    problems.push(span ? { file, span, message, severity } : { file, message, severity });
  };
  const label = (p: Path) => pathLabel(p, rootPath, file);

  let errors: ErrorObject[];
  try {
    errors = schemaErrors(doc);
  } catch (e) {
    return fail(file, `internal error: the rules schema cannot be used (${(e as Error).message})`);
  }
  const badRules = new Set<number>();
  let rootBroken = false;
  for (const { path: p, message, key, head } of explain(errors, doc)) {
    at(p, `${label(key !== undefined ? [...p, key] : p)}: ${message}`, 'error', key, head);
    if (p.length >= 2 && p[0] === 'rules' && typeof p[1] === 'number') badRules.add(p[1]);
    else rootBroken = true;
  }
  if (rootBroken || !isObject(doc) || !Array.isArray(doc.rules)) {
    if (!problems.length) at([], `${file}: expected { "rules": [ ... ] }`);
    return { entries: [], problems: capped(problems, file) };
  }

  const entries: KbEntry[] = [];
  const seen = new Map<string, number>();
  doc.rules.forEach((r: unknown, i: number) => {
    if (badRules.has(i) || !isObject(r)) return;
    const rp: Path = ['rules', i];
    const role = r.role as Role;
    const name = normaliseEntryName(String(r.name));
    const kind = (r.kind as KbEntry['kind'] | undefined) ?? (name.includes('.') ? 'field' : 'function');
    let ok = true;
    if (kind === 'function' && name.includes('.')) {
      at([...rp, 'kind'], `${label([...rp, 'kind'])}: "function" cannot have a member name ("${r.name}"); use "field" or drop "kind"`);
      ok = false;
    }
    const cpu = r.cpu === undefined ? 0 : (r.cpu as number | 'self');
    const when = (r.when as ArgCondition[] | undefined) ?? [];
    when.forEach((w, j) => {
      if (w.arg === cpu) { at([...rp, 'when', j, 'arg'], `${label([...rp, 'when', j, 'arg'])}: argument ${w.arg} is the CPU argument; a condition must be on another argument`); ok = false; }
      const k = when.findIndex((x) => x.arg === w.arg);
      if (k < j) { at([...rp, 'when', j, 'arg'], `${label([...rp, 'when', j, 'arg'])}: a second condition on argument ${w.arg}; merge it into when[${k}]`); ok = false; }
    });
    const cb = r.callbacks as KbEntry['callbacks'] | undefined;
    if (cb && role !== 'hotplug-state') at([...rp, 'callbacks'], `${label([...rp, 'callbacks'])}: only used with role "hotplug-state"; ignored`, 'warning', undefined);
    if (cb && role === 'hotplug-state') {
      const idx = [cb.state, cb.startup, ...(cb.teardown === undefined ? [] : [cb.teardown])];
      if (new Set(idx).size !== idx.length) { at([...rp, 'callbacks'], `${label([...rp, 'callbacks'])}: state, startup and teardown must be different arguments`); ok = false; }
    }
    if (r.guarded !== undefined && !['ipi-setup', 'ipi-teardown', 'ipi-send'].includes(role)) {
      at(rp, `${label([...rp, 'guarded'])}: only used with roles ipi-setup, ipi-teardown and ipi-send; ignored`, 'warning', 'guarded');
    }
    if (r.returnsStatus !== undefined && !['ipi-setup', 'offline-wait'].includes(role)) {
      at(rp, `${label([...rp, 'returnsStatus'])}: only used with roles ipi-setup and offline-wait; ignored`, 'warning', 'returnsStatus');
    }
    if (!ok) return;
    const key = JSON.stringify([kind, name, role, normWhen(when)]);
    const first = seen.get(key);
    if (first !== undefined) {
      at([...rp, 'name'], `${label([...rp, 'name'])}: duplicate of rules[${first}] (same name, kind, role and when); this one is ignored`, 'warning');
      return;
    }
    seen.set(key, i);
    const e: KbEntry = { name, kind, role, cpuArg: cpu, source };
    if (when.length) e.when = when.map((w) => ({ arg: w.arg, oneOf: [...w.oneOf] }));
    if (r.returnsStatus !== undefined) e.returnsStatus = r.returnsStatus as boolean;
    if (r.guarded !== undefined) e.guarded = r.guarded as boolean;
    if (r.vectors !== undefined) e.vectors = [...(r.vectors as string[])];
    if (cb && role === 'hotplug-state') e.callbacks = { ...cb };
    if (r.note !== undefined) e.note = r.note as string;
    entries.push(e);
  });
  return { entries, problems: capped(problems, file) };
}

function normWhen(when: ArgCondition[]): unknown {
  return [...when].sort((a, b) => a.arg - b.arg).map((w) => [w.arg, [...w.oneOf].sort()]);
}

function isObject(x: unknown): x is Record<string, any> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** rules[2].when[0].arg; for the settings, hotplugRace.rules[2].when[0].arg. */
function pathLabel(p: Path, rootPath: Path, file: string): string {
  let rest = p;
  let out = '';
  if (rootPath.length && rootPath.every((s, i) => p[i] === s)) {
    rest = p.slice(rootPath.length);
    out = file;
  }
  for (const s of rest) out += typeof s === 'number' ? `[${s}]` : out ? `.${s}` : s;
  return out || '(top level)';
}

function decodePointer(ptr: string): Path {
  if (!ptr) return [];
  return ptr.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** ajv errors as one readable message each, at a path (and, for a property name, the key). */
function explain(errors: ErrorObject[], doc: unknown): { path: Path; message: string; key?: string; head?: boolean }[] {
  // Errors under a failed anyOf (the "cpu" alternatives) are replaced by one message at the anyOf.
  const anyOf = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  const out: { path: Path; message: string; key?: string; head?: boolean }[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'if') continue;
    if (e.keyword !== 'anyOf' && anyOf.has(e.instancePath)) continue;
    const path = decodePointer(e.instancePath);
    const last = path[path.length - 1];
    let message: string;
    let key: string | undefined;
    switch (e.keyword) {
      case 'anyOf':
        message = last === 'cpu' ? `must be an argument index (an integer from 0 to 31) or "self", not ${show(valueAt(doc, path))}` : 'matches none of the allowed forms';
        break;
      case 'type':
        message = `must be ${article(String(e.params.type))}, not ${show(valueAt(doc, path))}`;
        break;
      case 'enum':
        message = last === 'role'
          ? `unknown role ${show(valueAt(doc, path))}; expected one of: ${ROLES.join(', ')}`
          : `must be one of ${(e.params.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(', ')}, not ${show(valueAt(doc, path))}`;
        break;
      case 'required':
        message = `missing required property "${e.params.missingProperty}"`;
        if (e.params.missingProperty === 'cpu') message += ' (the CPU argument index, or "self")';
        if (e.params.missingProperty === 'callbacks') message += ' (role "hotplug-state" needs { "state", "startup", "teardown" } argument indexes)';
        break;
      case 'additionalProperties': {
        key = String(e.params.additionalProperty);
        const known = path.length === 2 && path[0] === 'rules' ? RULE_PROPS : path.length === 0 ? ['$schema', 'rules'] : [];
        const near = known.find((k) => similar(k, key!));
        message = `unknown property "${key}"${near ? `; did you mean "${near}"?` : known.length ? `; allowed: ${known.join(', ')}` : ''}`;
        break;
      }
      case 'minimum':
        message = `must be >= ${e.params.limit} (argument indexes count from 0), not ${show(valueAt(doc, path))}`;
        break;
      case 'maximum':
        message = `must be <= ${e.params.limit}, not ${show(valueAt(doc, path))}`;
        break;
      case 'pattern':
        message = last === 'name'
          ? `${show(valueAt(doc, path))} is not a C identifier, "obj.field" or "obj->field"`
          : `does not match ${e.params.pattern}`;
        break;
      case 'minItems':
        message = `must have at least ${e.params.limit} item(s)`;
        break;
      case 'minLength':
        message = 'must not be empty';
        break;
      case 'uniqueItems':
        message = `items ${Math.min(e.params.i, e.params.j)} and ${Math.max(e.params.i, e.params.j)} are the same`;
        break;
      default:
        message = e.message ?? e.keyword;
    }
    const id = JSON.stringify([path, key, message]);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ path, message, key, head: e.keyword === 'required' });
  }
  return out;
}

function valueAt(doc: unknown, p: Path): unknown {
  let v: any = doc;
  for (const s of p) v = v == null ? undefined : v[s];
  return v;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 40 ? s.slice(0, 37) + '...' : s;
}

function article(t: string): string {
  return t === 'integer' || t === 'array' || t === 'object' ? `an ${t}` : `a ${t}`;
}

/** Same letters ignoring case and '_', or one edit apart, or one a prefix of the other (cpuArg → cpu). */
function similar(a: string, b: string): boolean {
  const x = a.toLowerCase().replace(/_/g, '');
  const y = b.toLowerCase().replace(/_/g, '');
  if (x === y || (y.startsWith(x) && x.length >= 3) || (x.startsWith(y) && y.length >= 3)) return true;
  return editDistance(x, y) <= (Math.max(x.length, y.length) > 5 ? 2 : 1);
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = t;
    }
  }
  return d[b.length];
}
