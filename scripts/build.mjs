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

// The server is started as a module; it picks the transport from argv (--stdio).
const serverEntry = 'server/src/lsp/main.ts';
if (!fs.existsSync(path.join(root, serverEntry))) {
  console.error(`build: ${serverEntry} is missing; cannot bundle the language server.`);
  process.exit(1);
}

// server.ts loads optional features with require(variable), which a bundle cannot follow. Turn that
// require into a switch over the modules named in OPTIONAL_FEATURES so that they are bundled too;
// a module that does not exist still fails with MODULE_NOT_FOUND, as it would unbundled.
const optionalFeatures = {
  name: 'optional-features',
  setup(build) {
    build.onLoad({ filter: /server[\\/]src[\\/]lsp[\\/]server\.ts$/ }, async (args) => {
      let text = await fs.promises.readFile(args.path, 'utf8');
      const list = /OPTIONAL_FEATURES[^=]*=\s*\[([\s\S]*?)\];/.exec(text);
      if (!list || !/require\(mod\)/.test(text)) return { contents: text, loader: 'ts' };
      const mods = [...list[1].matchAll(/\[\s*'(\.\/[\w-]+)'/g)].map((m) => m[1]);
      const dir = path.dirname(args.path);
      const cases = mods.map((m) =>
        fs.existsSync(path.join(dir, `${m}.ts`))
          ? `case '${m}': return require('${m}');`
          : `case '${m}': throw Object.assign(new Error("Cannot find module '${m}'"), { code: 'MODULE_NOT_FOUND' });`);
      text = text.replace(/require\(mod\)/g, '__bundledFeature(mod)');
      text += `\nfunction __bundledFeature(m: string): any {\n  switch (m) {\n    ${cases.join('\n    ')}\n    default: throw Object.assign(new Error("Cannot find module '" + m + "'"), { code: 'MODULE_NOT_FOUND' });\n  }\n}\n`;
      return { contents: text, loader: 'ts' };
    });
  },
};

const builds = [
  { ...common, entryPoints: { client: 'client/src/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  {
    ...common,
    // main.ts starts the server itself when it is the main module (`require.main === module` holds in the bundle).
    entryPoints: [serverEntry],
    outfile: 'dist/server.js',
    // jsonc-parser's "main" is a UMD build whose require('./impl/...') calls esbuild cannot follow.
    mainFields: ['module', 'main'],
    external: ['tree-sitter', 'tree-sitter-c'],
    plugins: [optionalFeatures],
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
