// Command-line parsing shared by the subcommands, and the contract every subcommand module follows.
import { parseArgs as nodeParseArgs } from 'util';

/** Where a command writes; tests and other front ends can capture it. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
}

/**
 * A subcommand module (server/src/cli/<name>-command.ts) exports `run`. It resolves to the exit code:
 * 0 clean, 1 findings, 2 usage or I/O error (after writing a message to io.err).
 */
export type CommandRun = (argv: string[], io: CliIo) => Promise<number>;

export class UsageError extends Error {}

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean }>;

/** Parses `argv` strictly: an unknown option or a missing value is a UsageError with a readable message. */
export function parseArgs<T extends OptionSpec>(argv: string[], options: T): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = nodeParseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: values as Record<string, string | boolean | string[] | undefined>, positionals };
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, '').replace(/^TypeError \[\w+\]: /, ''));
  }
}

export function stdio(): CliIo {
  return { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t), cwd: process.cwd() };
}
