// Where the language server lives: the esbuild bundle in a packaged extension (dist/server.js),
// or the tsc output when running from the source folder.
import * as fs from 'fs';
import * as path from 'path';
import { ServerOptions, TransportKind } from 'vscode-languageclient/node';

interface Candidate {
  /** Relative to the extension folder. */
  module: string;
  /** Arguments before the transport flag the client appends (--stdio). */
  args: string[];
}

const CANDIDATES: Candidate[] = [
  { module: 'dist/server.js', args: [] },
  { module: 'out/server/src/lsp/main.js', args: [] },
  { module: 'out/server/src/cli/main.js', args: ['lsp'] },
];

/** Returns the server module found, or a message saying which files were looked for. */
export function findServer(extensionPath: string): Candidate | string {
  for (const c of CANDIDATES) {
    if (fs.existsSync(path.join(extensionPath, c.module))) return c;
  }
  return `No language server module found in ${extensionPath}; looked for ${CANDIDATES.map((c) => c.module).join(', ')}. Run "npm run build" or "npm run package".`;
}

export function serverOptions(extensionPath: string, server: Candidate): ServerOptions {
  const module = path.join(extensionPath, server.module);
  return {
    run: { module, args: server.args, transport: TransportKind.stdio },
    debug: {
      module,
      args: server.args,
      transport: TransportKind.stdio,
      options: { execArgv: ['--nolazy', '--inspect=6011'] },
    },
  };
}
