// File collection of the scan engine: recursion, names as given, symlinks out of the tree, errors on missing paths.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectFiles, ScanInputError } from '../../../server/src/cli/scan-engine';

function tree(): { root: string; outside: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'hpr-collect-'));
  const root = path.join(base, 'src');
  const outside = path.join(base, 'elsewhere');
  fs.mkdirSync(path.join(root, 'b', 'deep'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(root, 'a.c'), 'int a;\n');
  fs.writeFileSync(path.join(root, 'b', 'x.h'), 'int x;\n');
  fs.writeFileSync(path.join(root, 'b', 'deep', 'y.c'), 'int y;\n');
  fs.writeFileSync(path.join(root, 'b', 'notes.txt'), 'not C\n');
  fs.writeFileSync(path.join(root, 'b', 'z.cc'), 'not C either\n');
  fs.writeFileSync(path.join(outside, 'out.c'), 'int out;\n');
  fs.symlinkSync(path.join(outside, 'out.c'), path.join(root, 'link-out.c'));
  fs.symlinkSync(outside, path.join(root, 'dir-out'));
  fs.symlinkSync(path.join(root, 'a.c'), path.join(root, 'link-in.c'));
  fs.symlinkSync(root, path.join(root, 'b', 'loop'));
  return { root, outside };
}

test('directories are read recursively for *.c and *.h, named as given', () => {
  const { root } = tree();
  const files = collectFiles([root]);
  assert.deepEqual(files, [path.join(root, 'a.c'), path.join(root, 'b', 'deep', 'y.c'), path.join(root, 'b', 'x.h')]);
  // a relative PATH stays relative
  const rel = collectFiles([path.relative(process.cwd(), root)]);
  assert.equal(rel[0], path.join(path.relative(process.cwd(), root), 'a.c'));
});

test('symlinks leading outside the tree are skipped unless followSymlinks', () => {
  const { root } = tree();
  const followed = collectFiles([root], { followSymlinks: true });
  assert.ok(followed.includes(path.join(root, 'link-out.c')) || followed.includes(path.join(root, 'dir-out', 'out.c')));
  assert.ok(!collectFiles([root]).some((f) => f.includes('out.c')));
  // the link loop back into the tree does not hang and adds nothing twice
  assert.equal(new Set(followed).size, followed.length);
});

test('a file given twice or through an inside link is scanned once', () => {
  const { root } = tree();
  const files = collectFiles([root, path.join(root, 'a.c')]);
  assert.equal(files.filter((f) => f.endsWith('a.c')).length, 1);
});

test('a missing PATH is an input error naming it', () => {
  assert.throws(() => collectFiles(['/nonexistent/hpr']), (e: unknown) => e instanceof ScanInputError && /\/nonexistent\/hpr: no such file or directory/.test((e as Error).message));
});
