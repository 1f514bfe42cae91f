// Knowledge-base extensions: the `hotplugRace.rules` setting and each folder's rules file. Problems in a rules
// file are published as diagnostics on that file; in an untrusted workspace both sources are ignored.
import * as fs from 'fs';
import * as path from 'path';
import { type Diagnostic, DiagnosticSeverity } from 'vscode-languageserver/node';
import { KnowledgeBase } from '../core/kb/kb';
import { loadRulesFile, loadRulesSetting } from '../core/kb/rules-file';
import type { KbEntry, Severity } from '../core/types';
import { type ServerContext, fileToUri } from './context';
import { spanToRange } from './diagnostics';
import { DEFAULT_RULES_FILE } from './settings';

const LEVEL: Record<Severity, DiagnosticSeverity> = { error: 1, warning: 2, information: 3, hint: 4 };

/** The rules file of a folder: the setting (relative to the folder) or .hotplug-race.json at its root. */
export function rulesFileOf(folder: string, setting: string): string {
  return path.resolve(folder, setting || DEFAULT_RULES_FILE);
}

export function registerRules(ctx: ServerContext): void {
  let published = new Set<string>();
  let lastKey = JSON.stringify([]);

  const reload = (): void => {
    const extra: KbEntry[] = [];
    const byFile = new Map<string, Diagnostic[]>();
    const settings = ctx.settings();
    if (ctx.trusted) {
      if (settings.rules.length) {
        const r = loadRulesSetting(settings.rules);
        extra.push(...r.entries);
        for (const p of r.problems) ctx.showMessage('warning', `Hotplug Race: ${p.file}: ${p.message}`);
      }
      for (const folder of ctx.folders()) {
        const file = rulesFileOf(folder, settings.rulesFile);
        // The default file is optional; a configured one must exist.
        if (!fs.existsSync(file)) {
          if (settings.rulesFile) ctx.showMessage('warning', `Hotplug Race: rules file ${file} does not exist (hotplugRace.rulesFile).`);
          continue;
        }
        const r = loadRulesFile(file);
        extra.push(...r.entries);
        byFile.set(file, r.problems.map((p) => ({
          range: p.span ? spanToRange(p.span) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          severity: LEVEL[p.severity] ?? DiagnosticSeverity.Error,
          source: 'hotplug-race',
          message: p.message,
        })));
      }
    }
    for (const file of published) if (!byFile.has(file)) ctx.connection.sendDiagnostics({ uri: fileToUri(file), diagnostics: [] });
    for (const [file, diagnostics] of byFile) ctx.connection.sendDiagnostics({ uri: fileToUri(file), diagnostics });
    published = new Set(byFile.keys());
    const key = JSON.stringify(extra);
    if (key !== lastKey) {
      lastKey = key;
      ctx.log.info(`hotplug-race: knowledge base has ${extra.length} extra entries`);
      ctx.resetProject(KnowledgeBase.builtin().extend(extra));
    }
  };
  const safeReload = ctx.guard('load rules', reload);

  ctx.onSettingsChanged(() => safeReload());
  ctx.onWatchedFilesChanged((changes) => {
    const settings = ctx.settings();
    const watched = new Set(ctx.folders().map((f) => rulesFileOf(f, settings.rulesFile)));
    if (changes.some((c) => watched.has(c.file))) safeReload();
  });
}
