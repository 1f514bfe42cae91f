// Functions of a file kept from an earlier analysis (the CLI's scan cache): what the summaries read of them (name,
// linkage, called names and fields, their own summary), without the file's parse. Reading anything that needs the
// parse (CFG, call sites, parameters) throws NotLoaded, so a caller can fall back to a full analysis.
import type { KnowledgeBase } from './kb/kb';
import type { SummaryEffect } from './events';
import type { FieldStore, FnFacts } from './functions';
import type { KbEntry, Span } from './types';

/** A frozen function's parse was needed. */
export class NotLoaded extends Error {
  constructor(readonly file: string) {
    super(`${file}: kept from the cache without its parse`);
    this.name = 'NotLoaded';
  }
}

/** A summary effect as JSON: the knowledge-base entry by its index (the cache is keyed by the knowledge base). */
export type FrozenEffect = Omit<SummaryEffect, 'entry'> & { entry: number | KbEntry };

export interface FrozenFunction {
  name: string;
  isStatic?: true;
  synthetic?: true;
  calls: string[];
  fields: string[];
  effects?: FrozenEffect[];
  error?: string;
}

export interface FrozenFile {
  functions: FrozenFunction[];
  /** [field, target] */
  stores: [string, string][];
}

/** What a project knows of one file's functions, for freezing. */
export interface FileSummary {
  functions: { fn: FnFacts; effects?: readonly SummaryEffect[]; error?: string }[];
  stores: readonly FieldStore[];
}

export function freezeFile(s: FileSummary, kb: KnowledgeBase): FrozenFile {
  const index = new Map(kb.entries.map((e, i) => [e, i]));
  return {
    functions: s.functions.map(({ fn, effects, error }) => {
      const out: FrozenFunction = { name: fn.name, calls: [...fn.calledNames], fields: [...fn.calledFields] };
      if (fn.isStatic) out.isStatic = true;
      if (fn.synthetic) out.synthetic = true;
      if (effects?.length) out.effects = effects.map((e) => ({ ...e, entry: index.get(e.entry) ?? e.entry }));
      if (error !== undefined) out.error = error;
      return out;
    }),
    stores: s.stores.map((x) => [x.field, x.target]),
  };
}

/** The facts and stores of a frozen file, as the project holds them. */
export function thawFile(file: string, f: FrozenFile, kb: KnowledgeBase): { functions: FnFacts[]; stores: FieldStore[] } {
  const functions = f.functions.map((x, i) => new FrozenFacts(file, i, x, kb));
  return { functions, stores: f.stores.map(([field, target]) => ({ field, target, file })) };
}

/** The key of a file's `index`-th frozen function (FnFacts.key; never equal to a parsed function's). */
export function frozenKey(file: string, name: string, index: number): string {
  return `${file}\0${name}\0#frozen${index}`;
}

const NOWHERE: Span = { start: 0, end: 0, startLine: 0, startCol: 0, endLine: 0, endCol: 0 };

class FrozenFacts implements FnFacts {
  readonly name: string;
  readonly key: string;
  readonly isStatic: boolean;
  readonly synthetic?: boolean;
  readonly calledNames: ReadonlySet<string>;
  readonly calledFields: ReadonlySet<string>;
  readonly frozen: { effects: SummaryEffect[]; error?: string };
  readonly span = NOWHERE;
  readonly nameSpan = NOWHERE;

  constructor(
    readonly file: string,
    index: number,
    x: FrozenFunction,
    kb: KnowledgeBase,
  ) {
    this.name = x.name;
    this.key = frozenKey(file, x.name, index);
    this.isStatic = !!x.isStatic;
    if (x.synthetic) this.synthetic = true;
    this.calledNames = new Set(x.calls);
    this.calledFields = new Set(x.fields);
    const effects = (x.effects ?? []).map((e) => ({ ...e, entry: typeof e.entry === 'number' ? kb.entries[e.entry] : e.entry }));
    this.frozen = { effects, error: x.error };
  }

  private missing(): never {
    throw new NotLoaded(this.file);
  }
  get node(): never {
    return this.missing();
  }
  get params(): never {
    return this.missing();
  }
  get returnsVoid(): never {
    return this.missing();
  }
  get cfg(): never {
    return this.missing();
  }
  get calls(): never {
    return this.missing();
  }
  get selfVars(): never {
    return this.missing();
  }
  returnsResult(): never {
    return this.missing();
  }
}
