// Shared helpers for the extension-host tests.
import * as assert from 'assert';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'hotplug-race.hotplug-race';

export interface Api {
  client: unknown;
  ready: Promise<void>;
  status: { state: string; detail?: string; history: string[] };
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function fixtureUri(rel: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the fixture workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, rel);
}

export async function openFixture(rel: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(fixtureUri(rel));
  return vscode.window.showTextDocument(doc);
}

/** Activates the extension by opening a C file and waits for the server. */
export async function activated(): Promise<Api> {
  const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
  if (!ext.isActive) await openFixture('arch/x86/xen/smp_hvm.c');
  await waitFor('activation', () => ext.isActive || undefined);
  await ext.exports.ready;
  return ext.exports;
}

export function hpDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'hotplug-race');
}

/** Waits until the server has published diagnostics for `uri` matching `ok`. */
export function diagnosticsFor(uri: vscode.Uri, ok: (d: vscode.Diagnostic[]) => boolean, timeoutMs = 30_000): Promise<vscode.Diagnostic[]> {
  return waitFor(`diagnostics of ${uri.path}`, () => {
    const d = hpDiagnostics(uri);
    return ok(d) ? d : undefined;
  }, timeoutMs);
}
