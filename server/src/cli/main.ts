// `hotplug-race` CLI: dispatches subcommands to their modules, loaded lazily so a missing one is a clear error.
import { packageVersion } from '../core/package-root';
import { type CliIo, type CommandRun, stdio } from './args';

const COMMANDS: Record<string, { module: string; summary: string }> = {
  scan: { module: './scan-command', summary: 'check C files for CPU hot-plug ordering races' },
  fix: { module: './fix-command', summary: 'apply the quick fixes to C files' },
  simulate: { module: './simulate-command', summary: 'replay a bring-up path in the hot-plug simulator' },
  lsp: { module: './lsp-command', summary: 'run the language server (--stdio)' },
};

export const HELP = `Usage: hotplug-race <command> [options]

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`).join('\n')}

  hotplug-race scan [PATH ...] [--format text|json|sarif] [--rules FILE] [--follow-symlinks]
  hotplug-race lsp --stdio

Run 'hotplug-race <command> --help' for a command's options.
Exit codes: 0 no findings, 1 findings, 2 usage or I/O error.
Options: --help, --version
`;

export async function main(argv: string[], io: CliIo = stdio()): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    (first === undefined ? io.err : io.out)(HELP);
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-V') {
    io.out(`${packageVersion()}\n`);
    return 0;
  }
  const command = COMMANDS[first];
  if (!command) {
    io.err(`hotplug-race: unknown command '${first}'\n\n${HELP}`);
    return 2;
  }
  let run: CommandRun | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    run = require(command.module).run;
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((err as Error).message).includes(command.module.slice(2));
    io.err(missing
      ? `hotplug-race: the '${first}' command is not available in this build (${command.module.slice(2)} is missing)\n`
      : `hotplug-race: cannot load the '${first}' command: ${(err as Error).message}\n`);
    return 2;
  }
  if (typeof run !== 'function') {
    io.err(`hotplug-race: the '${first}' command module does not export run()\n`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (err) {
    io.err(`hotplug-race ${first}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`hotplug-race: ${String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
