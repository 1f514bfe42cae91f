// `nearest()` of summaries.ts for many queries over one set of files: an index by directory prefix,
// so a query costs the depth of its path instead of a comparison with every file.

export class NearestIndex {
  private readonly files = new Set<string>();
  /** Directory-prefix key (k leading components) → the files under it; key length k is the score. */
  private readonly byPrefix = new Map<string, string[]>();

  constructor(files: Iterable<string>) {
    for (const f of files) {
      if (this.files.has(f)) continue;
      this.files.add(f);
      const d = f.split(/[\\/]/);
      let key = '';
      for (let k = 0; k < d.length; k++) {
        const l = this.byPrefix.get(key);
        if (l) l.push(f);
        else this.byPrefix.set(key, [f]);
        key += `${d[k]}\0`;
      }
    }
  }

  get size(): number {
    return this.files.size;
  }

  /** The files `nearest(files, (f) => f, file)` picks: the file itself if it is one, else the longest shared directory. */
  nearestTo(file: string): string[] {
    if (this.files.has(file)) return [file];
    if (this.files.size === 0) return [];
    const dirs = file.split(/[\\/]/);
    const keys = [''];
    for (let k = 0; k < dirs.length - 1; k++) keys.push(`${keys[k]}${dirs[k]}\0`);
    for (let k = keys.length - 1; k >= 0; k--) {
      // a file is under a k-component prefix only if it has k directories of its own
      const l = this.byPrefix.get(keys[k]);
      if (l) return [...l];
    }
    return [];
  }
}
