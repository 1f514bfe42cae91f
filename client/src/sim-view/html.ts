// HTML of the trace view. Pure: no vscode import, unit-tested. Every string from the result is escaped; the
// trace data goes to the script as JSON in a non-executed script element, with '<' escaped.

/** The part of the server's hotplugRace/simulate response the view shows (the client knows the server only via LSP). */
export interface ViewStep {
  step: number;
  cpu: number;
  lane: string;
  actor: string;
  action: string;
  file: string | null;
  line: number | null;
  online: number[];
  active: number[];
  irqs?: number[];
  ipiReady: Record<string, boolean>;
  bug?: boolean;
}

export interface ViewResult {
  verdict: string;
  function: string;
  file: string;
  cpus: number;
  fixed: boolean;
  statesExplored: number;
  ms: number;
  bug: { message: string; sender: number; target: number; vector: string } | null;
  trace: ViewStep[];
  reason?: string;
  notes?: string[];
}

export interface ViewAssets {
  nonce: string;
  cspSource: string;
  scriptUri: string;
  styleUri: string;
}

export function escapeHtml(s: unknown): string {
  return String(s).replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON safe inside a script element: no '<' (so no '</script>'), no U+2028/9. */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function csp(a: ViewAssets): string {
  return [`default-src 'none'`, `style-src ${a.cspSource}`, `script-src 'nonce-${a.nonce}'`, `img-src ${a.cspSource}`, `font-src ${a.cspSource}`].join('; ');
}

const MAX_LANES = 16;

export function renderView(r: ViewResult, a: ViewAssets): string {
  if (!/^[A-Za-z0-9+/=]{16,}$/.test(a.nonce)) throw new Error('nonce must be base64, at least 16 characters');
  const lanes = Math.min(MAX_LANES, Math.max(2, (Number.isInteger(r.cpus) ? r.cpus : 0) + 2));
  const e = escapeHtml;
  const head = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${e(csp(a))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${e(a.styleUri)}">
<title>Simulate hotplug: ${e(r.function)}</title>
</head>`;
  const verdictClass = r.verdict === 'race' ? 'race' : r.verdict === 'safe' ? 'safe' : 'other';
  const summary =
    r.verdict === 'race'
      ? `race: ${r.trace.length} steps`
      : r.verdict === 'safe'
        ? `safe: ${r.statesExplored} states explored`
        : r.verdict === 'bounded'
          ? `bounded: ${r.statesExplored} states explored, then ${r.reason ?? 'a bound was reached'} (not a proof of safety)`
          : `cannot simulate: ${r.reason ?? 'unknown reason'}`;
  const laneHeads = Array.from({ length: lanes }, (_, c) => `<th scope="col">${e(c === 0 ? 'CPU0 (BP)' : c === 1 ? 'CPU1 (AP)' : `CPU${c}`)}</th>`).join('');
  const rows = r.trace
    .map((s, i) => {
      const col = Math.min(Math.max(0, Math.trunc(s.cpu) || 0), lanes - 1);
      const where = s.file && s.line ? `${basename(s.file)}:${s.line}` : '';
      const cell =
        `<button type="button" class="step${s.bug ? ' bug' : ''}" data-step="${i + 1}"${where ? ' data-link="1"' : ''} title="${e(where ? `Show ${where}` : s.actor)}">` +
        `<span class="actor">${e(s.actor)}</span> <span class="action">${e(s.action)}</span>` +
        (where ? ` <span class="where">${e(where)}</span>` : '') +
        `</button>`;
      const tds = Array.from({ length: lanes }, (_, c) => `<td class="lane-${c}">${c === col ? cell : ''}</td>`).join('');
      return `<tr id="step-${i + 1}" class="${s.bug ? 'bug-row' : ''}"><td class="num">${i + 1}</td>${tds}</tr>`;
    })
    .join('\n');
  const notes = (r.notes ?? []).map((n) => `<li>${e(n)}</li>`).join('');
  const body = `<body>
<header>
<h1><span class="fn">${e(r.function)}</span>()<span class="file">${e(r.file)}</span></h1>
<p class="verdict ${verdictClass}" id="verdict">${e(summary)}${r.fixed ? ' (fixed)' : ''}</p>
${r.bug ? `<p class="bugline" id="bugline">${e(r.bug.message)}</p>` : ''}
${notes ? `<ul class="notes">${notes}</ul>` : ''}
</header>
<nav class="toolbar" aria-label="Trace controls">
<button type="button" id="prev" title="Previous step (Up / k)"${r.trace.length ? '' : ' disabled'}>◀ Back</button>
<button type="button" id="next" title="Next step (Down / j)"${r.trace.length ? '' : ' disabled'}>Forward ▶</button>
<span class="pos" id="pos" aria-live="polite"></span>
<button type="button" id="compare" title="Simulate the code after its quick fix">Compare with fix</button>
<button type="button" id="save">Save trace</button>
<button type="button" id="copy">Copy as text</button>
<span class="compare-result" id="compare-result" aria-live="polite"></span>
</nav>
<main>
<table class="lanes" id="lanes" aria-label="Steps, one lane per CPU" tabindex="0">
<thead><tr><th scope="col">#</th>${laneHeads}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
<aside class="state" id="state" aria-live="polite"></aside>
</main>
<script type="application/json" id="trace-data" nonce="${e(a.nonce)}">${scriptJson({ trace: r.trace, lanes })}</script>
<script nonce="${e(a.nonce)}" src="${e(a.scriptUri)}"></script>
</body>
</html>`;
  return `${head}\n${body}\n`;
}

function basename(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i < 0 ? p : p.slice(i + 1);
}
