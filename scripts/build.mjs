// Bundles the extension with esbuild: dist/client.js (external: vscode) and dist/server.js
// (external: the tree-sitter native modules, shipped as real node_modules with prebuilds for every platform).
// Usage: node scripts/build.mjs [--watch] [--no-minify]
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const minify = !args.has('--no-minify');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  minify,
  logLevel: 'warning',
  absWorkingDir: root,
};

// The server is started as a module; main() picks the transport from argv (--stdio).
const serverEntry = 'server/src/lsp/main.ts';
if (!fs.existsSync(path.join(root, serverEntry))) {
  console.error(`build: ${serverEntry} is missing; cannot bundle the language server.`);
  process.exit(1);
}

const builds = [
  { ...common, entryPoints: { client: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  {
    ...common,
    stdin: { contents: `require('./${serverEntry.replace(/\.ts$/, '')}').main();`, resolveDir: root, sourcefile: 'server-entry.js' },
    outfile: 'dist/server.js',
    external: ['tree-sitter', 'tree-sitter-c'],
  },
];

const t0 = Date.now();
if (args.has('--watch')) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('build: watching for changes');
} else {
  fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  try {
    await Promise.all(builds.map((b) => esbuild.build(b)));
  } catch {
    console.error('build: esbuild failed (errors above)');
    process.exit(1);
  }
  const sizes = ['client.js', 'server.js'].map((f) => `${f} ${(fs.statSync(path.join(root, 'dist', f)).size / 1024).toFixed(0)} KiB`);
  console.log(`build: dist/${sizes.join(', dist/')} in ${Date.now() - t0} ms`);
}
