// `hotplug-race lsp --stdio`: runs the language server on this process's stdio.
import { main as serverMain } from '../lsp/main';
import type { CliIo } from './args';

export async function run(argv: string[], io: CliIo): Promise<number> {
  const transports = ['--stdio', '--node-ipc'];
  const bad = argv.filter((a) => !transports.includes(a) && !a.startsWith('--socket=') && !a.startsWith('--clientProcessId='));
  if (bad.length) {
    io.err(`hotplug-race lsp: unknown argument ${bad[0]} (use --stdio)\n`);
    return 2;
  }
  if (!argv.some((a) => transports.includes(a) || a.startsWith('--socket='))) process.argv.push('--stdio');
  serverMain();
  // The server runs until the client sends exit; never resolve.
  return new Promise<number>(() => undefined);
}
