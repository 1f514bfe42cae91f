// SARIF 2.1.0 output with rule metadata, for GitHub code scanning. Built on the @types/sarif model.
import * as path from 'path';
import { pathToFileURL } from 'url';
import type * as Sarif from 'sarif';
import { packageVersion, ruleDocUri } from '../core/package-root';
import type { Code, Finding, Severity, Span } from '../core/types';

export interface RuleMeta {
  id: Code;
  name: string;
  short: string;
  full: string;
  level: Sarif.ReportingConfiguration.level;
}

export const RULES: readonly RuleMeta[] = [
  {
    id: 'HP001', name: 'online-before-ipi-setup', level: 'error',
    short: 'A CPU is published online before its IPI vectors are set up.',
    full: 'On some path a CPU is put in cpu_online_mask (directly, by a kick, or by a call that does so) before its IPI vectors are set up. Another CPU can pick it from the online mask and send it an IPI through an unset vector: kernel BUG in the IPI send path (the 2013 Xen xen_hvm_cpu_up() crash).',
  },
  {
    id: 'HP002', name: 'ipi-setup-failure-ignored', level: 'warning',
    short: 'The CPU is published online even when its IPI set-up failed.',
    full: 'The IPI set-up comes first, but its result is ignored (or only passed to WARN_ON or a print), so the CPU is still published online on the path where the set-up failed, with invalid IPI vectors.',
  },
  {
    id: 'HP003', name: 'ipi-teardown-while-online', level: 'error',
    short: 'A CPU\'s IPI vectors are torn down while it is still online.',
    full: 'On some path the CPU\'s IPI vectors are torn down before it is removed from cpu_online_mask (or before it is dead), so other CPUs can still send it IPIs through freed vectors.',
  },
  {
    id: 'HP004', name: 'ipi-setup-in-online-state', level: 'warning',
    short: 'IPI set-up is registered in a hot-plug state that runs after the CPU is online.',
    full: 'A cpuhp_setup_state*() registration runs a callback that sets up IPIs in an ONLINE-section state (CPUHP_AP_ONLINE_IDLE or later, e.g. CPUHP_AP_ONLINE_DYN), so the CPU is already in cpu_online_mask when its IPIs become valid.',
  },
  {
    id: 'HP900', name: 'analysis-limit', level: 'note',
    short: 'The analysis of a function stopped at its time budget.',
    full: 'The function was too large or complex to analyse within hotplugRace.functionBudgetMs; findings in it may be missing.',
  },
];

const LEVEL: Record<Severity, Sarif.Result.level> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/** A relative path stays relative (forward slashes), an absolute one becomes a file: URI. */
export function artifactUri(file: string): string {
  if (path.isAbsolute(file)) return pathToFileURL(file).toString();
  return file.split(path.sep).join('/').split('/').map(encodeURIComponent).join('/');
}

function region(span: Span): Sarif.Region {
  return { startLine: span.startLine + 1, startColumn: span.startCol + 1, endLine: span.endLine + 1, endColumn: span.endCol + 1 };
}

export function toSarif(findings: readonly Finding[]): Sarif.Log {
  const index = new Map(RULES.map((r, i) => [r.id, i]));
  const rules: Sarif.ReportingDescriptor[] = RULES.map((r) => ({
    id: r.id,
    name: r.name,
    shortDescription: { text: r.short },
    fullDescription: { text: r.full },
    helpUri: ruleDocUri(r.id),
    help: { text: `${r.full} See ${ruleDocUri(r.id)}` },
    defaultConfiguration: { level: r.level },
    properties: { tags: ['concurrency', 'linux-kernel', 'cpu-hotplug'] },
  }));
  const results: Sarif.Result[] = findings.map((f) => ({
    ruleId: f.code,
    ruleIndex: index.get(f.code),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [{
      physicalLocation: { artifactLocation: { uri: artifactUri(f.file) }, region: region(f.span) },
      logicalLocations: [{ name: f.function, kind: 'function' }],
    }],
    relatedLocations: f.related.map((r, i) => ({
      id: i + 1,
      message: { text: r.message },
      physicalLocation: { artifactLocation: { uri: artifactUri(r.file) }, region: region(r.span) },
    })),
    partialFingerprints: { 'hotplugRace/v1': `${f.code}:${f.function}:${f.cpu}:${f.primary?.callee ?? ''}` },
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'hotplug-race', version: packageVersion(), semanticVersion: packageVersion(), informationUri: ruleDocUri('HP001').replace(/rules\/HP001\.md$/, ''), rules } },
      columnKind: 'utf16CodeUnits',
      results,
    }],
  };
}

export function formatSarif(findings: readonly Finding[]): string {
  return JSON.stringify(toSarif(findings), null, 2) + '\n';
}
