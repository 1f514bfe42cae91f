// Trace view script: step selection (buttons, keyboard, clicks), the state after the selected step, and the
// host's answers. Text goes in through textContent only; no eval, no inline handlers.
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const data = JSON.parse(document.getElementById('trace-data').textContent || '{}');
  const trace = Array.isArray(data.trace) ? data.trace : [];
  const prev = document.getElementById('prev');
  const next = document.getElementById('next');
  const pos = document.getElementById('pos');
  const state = document.getElementById('state');
  const lanes = document.getElementById('lanes');
  const compareOut = document.getElementById('compare-result');
  const saved = vscode.getState() || {};
  let current = Number.isInteger(saved.step) && saved.step >= 1 && saved.step <= trace.length ? saved.step : trace.length ? 1 : 0;

  function el(tag, cls, text) {
    const n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined) n.textContent = String(text);
    return n;
  }

  function render() {
    document.querySelectorAll('tr.selected').forEach((r) => r.classList.remove('selected'));
    state.replaceChildren();
    if (!current) {
      pos.textContent = 'no trace';
      state.appendChild(el('p', 'muted', 'No interleaving crashes: nothing to step through.'));
      return;
    }
    const row = document.getElementById('step-' + current);
    if (row) {
      row.classList.add('selected');
      row.scrollIntoView({ block: 'nearest' });
    }
    pos.textContent = 'step ' + current + ' of ' + trace.length;
    prev.disabled = current <= 1;
    next.disabled = current >= trace.length;
    const s = trace[current - 1];
    state.appendChild(el('h2', '', 'After step ' + current));
    state.appendChild(el('p', s.bug ? 'bug-text' : '', s.lane + ' · ' + s.actor + ': ' + s.action));
    const dl = el('dl');
    const add = (k, v) => {
      dl.appendChild(el('dt', '', k));
      dl.appendChild(el('dd', '', v));
    };
    add('online', '{' + s.online.join(', ') + '}' + (s.online.indexOf(1) >= 0 ? '' : '  (CPU1 offline)'));
    add('active', '{' + s.active.join(', ') + '}');
    if (Array.isArray(s.irqs)) add('irqs on', '{' + s.irqs.join(', ') + '}');
    state.appendChild(dl);
    state.appendChild(el('h3', '', 'IPI vectors of CPU1'));
    const ul = el('ul', 'vectors');
    Object.keys(s.ipiReady).forEach((v) => {
      const ok = !!s.ipiReady[v];
      ul.appendChild(el('li', ok ? 'bound' : 'unbound', (ok ? '✓ ' : '✗ ') + v + (ok ? ' bound' : ' not bound')));
    });
    state.appendChild(ul);
    vscode.setState({ step: current });
    vscode.postMessage({ type: 'select', step: current });
  }

  function go(n) {
    if (!trace.length) return;
    current = Math.min(Math.max(1, n), trace.length);
    render();
  }

  prev.addEventListener('click', () => go(current - 1));
  next.addEventListener('click', () => go(current + 1));
  document.getElementById('compare').addEventListener('click', () => {
    compareOut.textContent = 'running the fixed version…';
    vscode.postMessage({ type: 'compare' });
  });
  document.getElementById('save').addEventListener('click', () => vscode.postMessage({ type: 'save' }));
  document.getElementById('copy').addEventListener('click', () => vscode.postMessage({ type: 'copy' }));
  lanes.addEventListener('click', (ev) => {
    const b = ev.target instanceof Element ? ev.target.closest('button.step') : null;
    if (!b) return;
    const n = Number(b.getAttribute('data-step'));
    go(n);
    if (b.hasAttribute('data-link')) vscode.postMessage({ type: 'reveal', step: n });
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.target instanceof HTMLElement && ev.target.closest('.toolbar') && (ev.key === 'Enter' || ev.key === ' ')) return;
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowRight' || ev.key === 'j') go(current + 1);
    else if (ev.key === 'ArrowUp' || ev.key === 'ArrowLeft' || ev.key === 'k') go(current - 1);
    else if (ev.key === 'Home') go(1);
    else if (ev.key === 'End') go(trace.length);
    else if (ev.key === 'Enter' && current && trace[current - 1].line) vscode.postMessage({ type: 'reveal', step: current });
    else return;
    ev.preventDefault();
  });
  window.addEventListener('message', (ev) => {
    const m = ev.data;
    if (!m || typeof m !== 'object') return;
    if (m.type === 'compare') {
      const txt = m.verdict === 'safe' ? 'fixed: safe: ' + m.statesExplored + ' states explored (' + m.ms + ' ms)'
        : m.verdict === 'race' ? 'fixed: still races'
        : 'fixed: ' + m.verdict + (m.reason ? ': ' + m.reason : '');
      compareOut.textContent = txt;
      compareOut.className = 'compare-result ' + (m.verdict === 'safe' ? 'safe' : 'race');
    } else if (m.type === 'select' && Number.isInteger(m.step)) go(m.step);
  });
  render();
  vscode.postMessage({ type: 'ready' });
})();
