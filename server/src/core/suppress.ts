// `hotplug-race: ignore [HPxxx ...]` comments: on the finding's line, the line above, or above the function.
import type { Finding } from './types';
import { Tree, findAll } from './parse';

const COMMENT = new Set(['comment']);
const NONE = new Set(['string_literal']);

interface Directive {
  startLine: number;
  endLine: number;
  start: number;
  end: number;
  /** undefined = every code. */
  codes?: Set<string>;
}

const RE = /hotplug-race:\s*ignore\b([^\n]*)/;

export class Suppressions {
  private readonly list: Directive[] = [];

  constructor(private readonly text: string, tree: Tree) {
    if (!text.includes('hotplug-race:')) return;
    for (const n of findAll(tree.rootNode, COMMENT, NONE)) {
      const m = RE.exec(n.text);
      if (m) {
        const codes = m[1].match(/HP\d{3}/g);
        this.list.push({ startLine: n.startPosition.row, endLine: n.endPosition.row, start: n.startIndex, end: n.endIndex, codes: codes ? new Set(codes) : undefined });
      }
    }
  }

  isSuppressed(f: Finding): boolean {
    if (!this.list.length) return false;
    const line = f.span.startLine;
    for (const d of this.list) {
      if (d.codes && !d.codes.has(f.code)) continue;
      if (d.startLine <= line && d.endLine >= line - 1) return true;
      if (d.end <= f.functionSpan.start && /^[\s]*$/.test(this.between(d.end, f.functionSpan.start))) return true;
    }
    return false;
  }

  /** Text between two offsets with other comments removed. */
  private between(a: number, b: number): string {
    let s = this.text.slice(a, b);
    for (const d of this.list) if (d.start >= a && d.end <= b) s = s.replace(this.text.slice(d.start, d.end), '');
    return s.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
  }
}
