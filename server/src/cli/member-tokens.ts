// Which widening tokens are searched only where they are used as members (`.f`, `->f`): a field holding a
// summarised function, and no function's name, can matter nowhere else (in the kernel `single` is named by 4,700
// files, 26 of them as a member). One that later becomes a function's name is searched again, everywhere.
// Shared by the CLI scan and the editor's background index.
import { memberToken } from './scan-workers';

export class MemberTokens {
  private readonly full: Set<string>;
  private readonly searchedAs = new Map<string, 'member' | 'full'>();

  /** `full`: names searched everywhere from the start (the knowledge base's, a cached run's). */
  constructor(full: Iterable<string>) {
    this.full = new Set(full);
  }

  /** The search words for these tokens: `.name` for one that is only a field so far. */
  words(tokens: readonly string[]): string[] {
    return tokens.map((t) => {
      const as = this.full.has(t) ? 'full' : 'member';
      this.searchedAs.set(t, as);
      return as === 'full' ? t : memberToken(t);
    });
  }

  /** Functions' names found in a round, searched everywhere from now on; returns those searched as members so far. */
  functions(names: Iterable<string>): string[] {
    const again: string[] = [];
    for (const n of names) {
      this.full.add(n);
      if (this.searchedAs.get(n) === 'member') again.push(n);
    }
    return again;
  }

  /** The tokens searched as members only, sorted. */
  memberOnly(): string[] {
    return [...this.searchedAs].filter(([, as]) => as === 'member').map(([t]) => t).sort();
  }
}
