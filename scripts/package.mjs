// Packages the extension into hotplug-race-<version>.vsix with @vscode/vsce, from a staging folder that
// holds only what ships: vsce would otherwise walk the whole repository (out/, .cache/code-server's
// ~85k files) before applying .vscodeignore, which takes minutes.
// Run after scripts/build.mjs. Usage: node scripts/package.mjs [--ls]
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stage = path.join(root, '.cache', 'vsix-stage');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const out = path.join(root, `${manifest.name}-${manifest.version}.vsix`);
const t0 = Date.now();

for (const f of ['dist/client.js', 'dist/server.js']) {
  if (!fs.existsSync(path.join(root, f))) {
    console.error(`package: ${f} is missing; run "node scripts/build.mjs" first.`);
    process.exit(1);
  }
}

fs.rmSync(stage, { recursive: true, force: true });
fs.mkdirSync(stage, { recursive: true });
const copy = (rel, filter) => {
  const from = path.join(root, rel);
  if (!fs.existsSync(from)) return false;
  fs.cpSync(from, path.join(stage, rel), { recursive: true, filter: filter ? (src) => filter(path.relative(root, src)) : undefined });
  return true;
};

// The shipped manifest: run-time dependencies are only the native modules the bundles leave external.
const shipped = { ...manifest };
delete shipped.devDependencies;
delete shipped.scripts;
shipped.dependencies = { 'tree-sitter': manifest.dependencies['tree-sitter'], 'tree-sitter-c': manifest.dependencies['tree-sitter-c'] };
fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(shipped, null, 2) + '\n');

for (const f of ['dist/client.js', 'dist/server.js', 'README.md', 'CHANGELOG.md', 'LICENSE', 'LICENSE.md', 'schemas', 'syntaxes', 'docs/rules', 'media', 'images']) copy(f);

// Native modules: the loader, the prebuilds for every platform, and what `npm list` needs to see a valid tree.
const noSources = (rel) => !/[\\/](src|vendor|build|test|bindings[\\/](?!node))([\\/]|$)/.test(rel.replace(/^node_modules[\\/][^\\/]+/, '')) || rel.endsWith('node-types.json') || /src$/.test(rel);
for (const m of ['tree-sitter', 'tree-sitter-c', 'node-gyp-build', 'node-addon-api']) {
  if (!copy(`node_modules/${m}`, noSources)) {
    console.error(`package: node_modules/${m} is missing; run "npm install".`);
    process.exit(1);
  }
}

// tree-sitter 0.25.1's linux prebuilds need GLIBCXX_3.4.31 (GCC 13); Debian 12 and Ubuntu 22.04 stop at 3.4.30,
// so on install npm compiled the module from source (build/Release). Ship that build as the linux-x64 prebuild:
// it needs only what this (older) system has, so it also loads on newer ones.
const localBuild = path.join(root, 'node_modules/tree-sitter/build/Release/tree_sitter_runtime_binding.node');
if (process.platform === 'linux' && process.arch === 'x64' && fs.existsSync(localBuild)) {
  const dest = path.join(stage, 'node_modules/tree-sitter/prebuilds/linux-x64/tree-sitter.node');
  fs.copyFileSync(localBuild, dest);
  try {
    execFileSync('strip', ['--strip-unneeded', dest]);
  } catch {
    // strip is optional: the module only gets bigger
  }
  console.log('package: linux-x64 tree-sitter prebuild replaced by the local build (older libstdc++ requirement)');
}

// The word index helper (native/word-index.c) for this platform, when npm run build could compile it: the
// language server's index of a big workspace reads the tree once with it (elsewhere it uses ripgrep).
const helper = path.join(root, 'out', 'native', 'word-index');
if (fs.existsSync(helper)) {
  const dest = path.join(stage, 'native', `${process.platform}-${process.arch}`, 'word-index');
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.copyFileSync(helper, dest);
  fs.chmodSync(dest, 0o755);
  const answer = execFileSync(dest, ['1'], { input: '\0', encoding: 'utf8' }).trim();
  if (answer !== 'ready 0 0') {
    console.error(`package: the staged word-index helper answered '${answer}'`);
    process.exit(1);
  }
  console.log(`package: word-index helper for ${process.platform}-${process.arch}`);
} else console.warn('package: out/native/word-index is not built (no C compiler?): the extension will search with ripgrep');

// The staged native modules must load and parse C on this machine, as the packaged server will.
try {
  execFileSync(process.execPath, ['-e', `
    const Parser = require('tree-sitter'); const C = require('tree-sitter-c');
    const p = new Parser(); p.setLanguage(C);
    const t = p.parse('int f(void) { return native_cpu_up(cpu); }');
    if (t.rootNode.hasError) throw new Error('parse error');`], { cwd: stage, stdio: ['ignore', 'ignore', 'pipe'] });
} catch (err) {
  console.error(`package: the staged tree-sitter modules do not load here:\n${err.stderr ?? err}`);
  process.exit(1);
}

fs.writeFileSync(path.join(stage, '.vscodeignore'), [
  '# generated by scripts/package.mjs',
  'node_modules/node-addon-api/**', // C++ headers: build time only
  'node_modules/tree-sitter/tree-sitter.d.ts',
  'node_modules/tree-sitter/node-addon-api/**',
  'node_modules/tree-sitter-c/bindings/node/{binding.cc,binding_test.js,index.d.ts}',
  'node_modules/tree-sitter/binding.gyp',
  'node_modules/tree-sitter/README.md',
  'node_modules/tree-sitter-c/*.wasm',
  'node_modules/tree-sitter-c/grammar.js',
  'node_modules/tree-sitter-c/binding.gyp',
  'node_modules/tree-sitter-c/queries/**',
  'node_modules/tree-sitter-c/tree-sitter.json',
  'node_modules/tree-sitter-c/README.md',
  'node_modules/node-gyp-build/{bin,build-test,optional}.js',
  'node_modules/node-gyp-build/{README,SECURITY}.md',
  '**/*.map',
  '',
].join('\n'));

const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const run = (args) => execFileSync(process.execPath, [vsce, ...args], { cwd: stage, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
if (process.argv.includes('--ls')) {
  process.stdout.write(run(['ls']));
  process.exit(0);
}
run(['package', '--skip-license', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out]);
const files = run(['ls']).trim().split('\n');
const size = fs.statSync(out).size;
const platforms = ['darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-x64', 'win32-arm64', 'win32-x64'];
const missing = platforms.flatMap((p) => [`node_modules/tree-sitter/prebuilds/${p}/tree-sitter.node`, `node_modules/tree-sitter-c/prebuilds/${p}/tree-sitter-c.node`]).filter((f) => !files.includes(f));
if (missing.length) {
  console.error(`package: the .vsix lacks ${missing.join(', ')}`);
  process.exit(1);
}
console.log(`package: ${path.relative(root, out)}: ${files.length} files, ${(size / 1024 / 1024).toFixed(2)} MiB, tree-sitter prebuilds for ${platforms.join(', ')}, in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
