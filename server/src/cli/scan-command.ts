// `hotplug-race scan [PATH ...] [--format text|json|sarif] [--rules FILE] [--follow-symlinks]`.
// Exit 0: no findings; 1: findings; 2: usage or I/O error (message on stderr).
import * as path from 'path';
import { KnowledgeBase } from '../core/kb/kb';
import { packageRoot } from '../core/package-root';
import { loadRulesFile } from '../core/kb/rules-file';
import type { KbEntry } from '../core/types';
import { type CliIo, parseArgs, UsageError } from './args';
import { formatJson } from './format-json';
import { formatSarif } from './format-sarif';
import { formatText } from './format-text';
import { DEFAULT_CACHE_FILE } from './scan-cache';
import { scan, ScanInputError } from './scan-engine';

export const SCAN_HELP = `Usage: hotplug-race scan [PATH ...] [options]

Checks *.c and *.h files (directories are read recursively) for CPU hot-plug ordering races.
With no PATH, scans the sample tree shipped with hotplug-race.

Options:
  --format text|json|sarif   output format (default text)
  --rules FILE               extra knowledge-base rules (.hotplug-race.json format)
  --follow-symlinks          follow symlinks that lead outside the given trees
  --max-file-size BYTES      skip larger files (default 5242880)
  --plain                    no token prefilter: parse and analyse every file (same findings, slower)
  --jobs N                   threads for the prefilter's search when ripgrep is absent (default: cores)
  --cache                    keep the result in .hotplug-race-cache (in the current directory) and reuse it while
                             no file that could matter changes; otherwise it speeds up the next scan's search
  --cache-location FILE      the cache file to use (implies --cache)
  -h, --help                 this help

Exit codes: 0 no findings, 1 findings, 2 usage or I/O error.
`;

const FORMATS = ['text', 'json', 'sarif'] as const;

export async function run(argv: string[], io: CliIo): Promise<number> {
  let values: Record<string, string | boolean | string[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs(argv, {
      format: { type: 'string', short: 'f' },
      rules: { type: 'string' },
      'follow-symlinks': { type: 'boolean' },
      'max-file-size': { type: 'string' },
      plain: { type: 'boolean' },
      jobs: { type: 'string', short: 'j' },
      cache: { type: 'boolean' },
      'cache-location': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    }));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`hotplug-race scan: ${err.message}\n\n${SCAN_HELP}`);
    return 2;
  }
  if (values.help) {
    io.out(SCAN_HELP);
    return 0;
  }
  const format = (values.format as string | undefined) ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) {
    io.err(`hotplug-race scan: unknown format '${format}' (use text, json or sarif)\n`);
    return 2;
  }
  let maxFileSize: number | undefined;
  if (values['max-file-size'] !== undefined) {
    maxFileSize = Number(values['max-file-size']);
    if (!Number.isInteger(maxFileSize) || maxFileSize < 1) {
      io.err(`hotplug-race scan: --max-file-size must be a positive number of bytes\n`);
      return 2;
    }
  }

  let workers: number | undefined;
  if (values.jobs !== undefined) {
    workers = Number(values.jobs);
    if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
      io.err(`hotplug-race scan: --jobs must be a whole number from 1 to 64\n`);
      return 2;
    }
  }

  let cache: string | undefined;
  if (values.cache || values['cache-location'] !== undefined) {
    if (values.plain) {
      io.err(`hotplug-race scan: --cache works with the prefilter; it cannot be combined with --plain\n`);
      return 2;
    }
    cache = path.resolve(io.cwd, (values['cache-location'] as string | undefined) || DEFAULT_CACHE_FILE);
  }

  let kb = KnowledgeBase.builtin();
  if (typeof values.rules === 'string') {
    const loaded = loadRules(values.rules, io);
    if (!loaded) return 2;
    kb = kb.extend(loaded);
  }

  const paths = positionals.length ? positionals : [samplesDir()];
  const warnings: string[] = [];
  let result;
  try {
    result = await scan(paths, { kb, followSymlinks: !!values['follow-symlinks'], maxFileSize, onWarning: (m) => warnings.push(m), prefilter: !values.plain, workers, cache });
  } catch (err) {
    if (err instanceof ScanInputError) {
      io.err(`hotplug-race scan: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  for (const w of warnings) io.err(`hotplug-race scan: warning: ${w}\n`);
  if (format === 'json') io.out(formatJson(result.findings, result.stats));
  else if (format === 'sarif') io.out(formatSarif(result.findings));
  else io.out(formatText(result.findings));
  return result.findings.length ? 1 : 0;
}

/** The bundled sample tree, found from the installed package, not the cwd. */
export function samplesDir(): string {
  return path.join(packageRoot(), 'samples');
}

/** Reads a rules file; on problems prints `file:line:col: error: message` lines and returns undefined. */
function loadRules(file: string, io: CliIo): KbEntry[] | undefined {
  const { entries, problems } = loadRulesFile(file);
  for (const p of problems) {
    const where = p.span ? `${file}:${p.span.startLine + 1}:${p.span.startCol + 1}` : file;
    io.err(`${where}: ${p.severity === 'error' ? 'error' : 'warning'}: ${p.message}\n`);
  }
  return problems.some((p) => p.severity === 'error') ? undefined : entries;
}
