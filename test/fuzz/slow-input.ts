// The slow input of fuzz run 3120 of seed 2000, rebuilt for the tests of the verification bounds: kick-ap.c with
// `pv_cpu_up` broken as duplicate-ranges broke it (an `if` turned into `i,`, an unterminated comment) and defined
// `n` times, so that every parse costs hundreds of ms of tree-sitter error recovery.
import * as fs from 'node:fs';
import * as path from 'node:path';

const seed = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'test', 'fuzz', 'corpus', 'kick-ap.c'), 'utf8');

export function brokenDuplicates(n: number): string {
  const a = seed.indexOf('static int pv_cpu_up(');
  const b = seed.indexOf('static int pv_cpu_up_ok(');
  const piece = seed.slice(a, b)
    .replace('\tif (rc)\n\t\treturn rc;\n\n\trc = kick', '\ti, (rc)\n\t\treturn rc;\n\n\trc = kick')
    .replace('*/\n', '[/\n') + 'st\t';
  return seed.slice(0, b) + piece.repeat(n) + seed.slice(b);
}
