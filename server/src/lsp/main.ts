// Entry point of the language server process (also reached through `hotplug-race lsp --stdio`).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

export function main(): void {
  // With --stdio / --node-ipc / --socket=N in argv, the transport is picked from the command line.
  startServer(createConnection(ProposedFeatures.all));
}

if (require.main === module) main();
