// The benchmark's inputs: Debian's linux-source-6.1 unpacked once into .cache/ (git-ignored),
// and the Debian tools the comparison needs. Installs what is missing with apt-get.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const TARBALL = '/usr/src/linux-source-6.1.tar.xz';

function have(file: string): boolean {
  return fs.existsSync(file);
}

let updated = false;
/** apt-get install the packages whose marker file is missing. */
export function ensureDebian(pkgs: { pkg: string; file: string }[]): void {
  const missing = pkgs.filter((p) => !have(p.file));
  if (missing.length === 0) return;
  const names = missing.map((p) => p.pkg);
  console.log(`# installing Debian packages: ${names.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!updated) {
    execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
    updated = true;
  }
  execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...names], { stdio: 'inherit', env });
  for (const p of missing) if (!have(p.file)) throw new Error(`${p.pkg} installed but ${p.file} is still missing`);
}

export function ensureTools(): void {
  ensureDebian([
    { pkg: 'coccinelle', file: '/usr/bin/spatch' },
    { pkg: 'ripgrep', file: '/usr/bin/rg' },
    { pkg: 'xz-utils', file: '/usr/bin/xz' },
  ]);
}

/** The unpacked tree, unpacking it (once) from the Debian package. */
export function ensureKernelTree(repoRoot: string): string {
  const cache = path.join(repoRoot, '.cache');
  const tree = path.join(cache, 'linux-6.1');
  const marker = path.join(tree, 'Makefile');
  if (have(marker)) return tree;
  ensureDebian([{ pkg: 'linux-source-6.1', file: TARBALL }]);
  fs.mkdirSync(cache, { recursive: true });
  const tmp = path.join(cache, 'linux-6.1.unpacking');
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp);
  console.log(`# unpacking ${TARBALL} into ${tree}`);
  execFileSync('tar', ['-xJf', TARBALL, '-C', tmp, '--strip-components=1'], { stdio: 'inherit' });
  fs.renameSync(tmp, tree);
  return tree;
}

const GIT = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.org', ...args], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });

/** A git repository holding the tree in one commit (made once, in .cache/linux-6.1-git), for checkouts. */
export function ensureGitRepo(repoRoot: string, tree: string): string {
  ensureDebian([{ pkg: 'git', file: '/usr/bin/git' }]);
  const repo = path.join(repoRoot, '.cache', 'linux-6.1-git');
  if (have(path.join(repo, 'HEAD'))) return repo;
  const tmp = `${repo}.making`;
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`# committing ${tree} into the bare repository ${repo} (once)`);
  // the work tree is the unpacked tree itself; only the bare repository is written
  GIT(tree, '--git-dir', tmp, 'init', '-q', '--bare');
  GIT(tree, '--git-dir', tmp, '--work-tree', tree, 'add', '-A', '-f', '.');
  GIT(tree, '--git-dir', tmp, '--work-tree', tree, 'commit', '-q', '-m', 'linux-source-6.1');
  fs.renameSync(tmp, repo);
  return repo;
}

/** A fresh checkout of `repo` at `dir` (whatever was there is removed first), as a CI job makes. */
export function freshCheckout(repo: string, dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  GIT(path.dirname(dir), 'clone', '-q', repo, dir);
}
