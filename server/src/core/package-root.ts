// Finds the installed package's root (docs/, samples/) from this file, wherever the build or bundle put it.
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';

let cached: string | undefined;

/** The nearest ancestor of this module's folder whose package.json is named "hotplug-race". */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    try {
      if (JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'hotplug-race') return (cached = dir);
    } catch {
      // no or unreadable manifest here: keep walking up
    }
    const up = path.dirname(dir);
    if (up === dir) return (cached = path.resolve(__dirname, '..', '..', '..'));
    dir = up;
  }
}

export function packageVersion(): string {
  try {
    return String(JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version);
  } catch {
    return '0.0.0';
  }
}

/** Stable documentation link of a diagnostic code: the docs page shipped in the installed package. */
export function ruleDocUri(code: string): string {
  // Asked once per diagnostic on every publish: pathToFileURL costs ~2 ms per 500 findings.
  let uri = docUris.get(code);
  if (uri === undefined) docUris.set(code, (uri = pathToFileURL(path.join(packageRoot(), 'docs', 'rules', `${code}.md`)).toString()));
  return uri;
}
const docUris = new Map<string, string>();
