// hotplugRace.* settings: parsed and checked; a bad value falls back to its default with a warning.
import type { Code, Severity } from '../core/types';

export type SeveritySetting = Severity | 'off';

export interface Settings {
  /** Per-code override of the finding's own severity. */
  severity: Partial<Record<Code, SeveritySetting>>;
  /** Rules file, relative to the workspace folder; '' means .hotplug-race.json at the folder root. */
  rulesFile: string;
  /** Extra knowledge-base entries, in the rules file's "rules" format. */
  rules: unknown[];
  exclude: string[];
  maxFileSize: number;
  functionBudgetMs: number;
  /** Time for the checks of one file's analysis (core ProjectOptions.fileBudgetMs). */
  fileBudgetMs: number;
  simulatorCpus: number;
  trace: 'off' | 'messages' | 'verbose';
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  severity: {},
  rulesFile: '',
  rules: [],
  exclude: [],
  maxFileSize: 5 * 1024 * 1024,
  functionBudgetMs: 2000,
  fileBudgetMs: 20_000,
  simulatorCpus: 2,
  trace: 'off',
});

export const DEFAULT_RULES_FILE = '.hotplug-race.json';

const CODES: readonly Code[] = ['HP001', 'HP002', 'HP003', 'HP004', 'HP900'];
const LEVELS: readonly SeveritySetting[] = ['error', 'warning', 'information', 'hint', 'off'];

/** Checks the raw `hotplugRace` section. Never throws; each problem names the setting and its fallback. */
export function parseSettings(raw: unknown): { settings: Settings; problems: string[] } {
  const problems: string[] = [];
  const s: Settings = { ...DEFAULT_SETTINGS, severity: {}, rules: [], exclude: [] };
  if (raw === undefined || raw === null) return { settings: s, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push('hotplugRace settings must be an object; using the defaults.');
    return { settings: s, problems };
  }
  const r = raw as Record<string, unknown>;
  const bad = (key: string, why: string, fallback: unknown) =>
    problems.push(`hotplugRace.${key}: ${why}; using the default ${JSON.stringify(fallback)}.`);

  if (r.severity !== undefined) {
    if (!isObject(r.severity)) bad('severity', 'must be an object of code → level', {});
    else {
      for (const [code, level] of Object.entries(r.severity)) {
        if (!CODES.includes(code as Code)) bad(`severity.${code}`, `unknown code (known: ${CODES.join(', ')})`, 'ignored');
        else if (!LEVELS.includes(level as SeveritySetting)) bad(`severity.${code}`, `must be one of ${LEVELS.join(', ')}`, 'its code\'s severity');
        else s.severity[code as Code] = level as SeveritySetting;
      }
    }
  }
  if (r.rulesFile !== undefined) {
    if (typeof r.rulesFile === 'string') s.rulesFile = r.rulesFile;
    else bad('rulesFile', 'must be a string', DEFAULT_SETTINGS.rulesFile);
  }
  if (r.rules !== undefined) {
    if (Array.isArray(r.rules)) s.rules = r.rules;
    else bad('rules', 'must be an array', []);
  }
  if (r.exclude !== undefined) {
    if (Array.isArray(r.exclude) && r.exclude.every((g) => typeof g === 'string')) s.exclude = r.exclude as string[];
    else bad('exclude', 'must be an array of glob strings', []);
  }
  s.maxFileSize = num(r.maxFileSize, 'maxFileSize', 1024, Number.MAX_SAFE_INTEGER, DEFAULT_SETTINGS.maxFileSize, bad);
  s.functionBudgetMs = num(r.functionBudgetMs, 'functionBudgetMs', 10, 600_000, DEFAULT_SETTINGS.functionBudgetMs, bad);
  s.fileBudgetMs = num(r.fileBudgetMs, 'fileBudgetMs', 100, 3_600_000, DEFAULT_SETTINGS.fileBudgetMs, bad);
  const sim = isObject(r.simulator) ? r.simulator.cpus : undefined;
  s.simulatorCpus = Math.round(num(sim, 'simulator.cpus', 0, 8, DEFAULT_SETTINGS.simulatorCpus, bad));
  const trace = isObject(r.trace) ? r.trace.server : undefined;
  if (trace !== undefined) {
    if (trace === 'off' || trace === 'messages' || trace === 'verbose') s.trace = trace;
    else bad('trace.server', 'must be off, messages or verbose', DEFAULT_SETTINGS.trace);
  }
  return { settings: s, problems };
}

/** The severity a finding is shown with, or undefined when its code is turned off. */
export function effectiveSeverity(settings: Settings, code: Code, own: Severity): Severity | undefined {
  const level = settings.severity[code] ?? own;
  return level === 'off' ? undefined : level;
}

function num(
  v: unknown,
  key: string,
  min: number,
  max: number,
  fallback: number,
  bad: (key: string, why: string, fallback: unknown) => void,
): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    bad(key, `must be a number from ${min} to ${max}`, fallback);
    return fallback;
  }
  return v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
