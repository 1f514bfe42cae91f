// Compiles the CLI's native helper, native/word-index.c (the whole-tree scan's one-pass word index), into
// out/native/word-index with the system's C compiler. Without a compiler the scan searches with ripgrep or
// worker threads instead (same findings, slower), so a failed build is a warning, not an error.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'native', 'word-index.c');
const outDir = path.join(root, 'out', 'native');
const out = path.join(outDir, 'word-index');
fs.mkdirSync(outDir, { recursive: true });
const tmp = `${out}.${process.pid}`;
let built = false;
for (const cc of [process.env.CC, 'cc', 'gcc', 'clang'].filter(Boolean)) {
  const r = spawnSync(cc, ['-O2', '-std=c11', '-Wall', '-Wextra', '-pthread', '-o', tmp, src], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status === 0) {
    fs.renameSync(tmp, out); // atomic: a scan running meanwhile sees the old binary or the new one
    built = true;
    break;
  }
}
fs.rmSync(tmp, { force: true });
if (!built) console.warn('build-native: no C compiler could build native/word-index.c; `hotplug-race scan` will search with ripgrep instead (slower on a whole tree)');
