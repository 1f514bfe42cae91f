// JSON output, version 1 (the CLI contract of issue 2): 1-based lines and columns, files as given.
import type { Finding } from '../core/types';
import type { ScanStats } from './scan-engine';

export interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  code: string;
  severity: string;
  function: string;
  cpu: string;
  message: string;
  related: { file: string; line: number; column: number; message: string }[];
}

export interface JsonReport {
  version: 1;
  findings: JsonFinding[];
  stats: ScanStats;
}

export function toJsonReport(findings: readonly Finding[], stats: ScanStats): JsonReport {
  return {
    version: 1,
    findings: findings.map((f) => ({
      file: f.file,
      line: f.span.startLine + 1,
      column: f.span.startCol + 1,
      endLine: f.span.endLine + 1,
      endColumn: f.span.endCol + 1,
      code: f.code,
      severity: f.severity,
      function: f.function,
      cpu: f.cpu,
      message: f.message,
      related: f.related.map((r) => ({ file: r.file, line: r.span.startLine + 1, column: r.span.startCol + 1, message: r.message })),
    })),
    stats: { files: stats.files, functions: stats.functions, ms: stats.ms, ...(stats.search ? { search: stats.search } : {}), ...(stats.cache ? { cache: stats.cache } : {}), ...(stats.incremental !== undefined ? { incremental: stats.incremental } : {}), ...(stats.notIncremental ? { notIncremental: stats.notIncremental } : {}) },
  };
}

export function formatJson(findings: readonly Finding[], stats: ScanStats): string {
  return JSON.stringify(toJsonReport(findings, stats), null, 2) + '\n';
}
