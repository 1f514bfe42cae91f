// What every fix builder needs about a finding: its two sites, their names and the set-up's status convention.
import type { Site } from './sites';
import { siteOf } from './sites';
import type { SyntaxNode } from './syntax';
import type { Ctx } from './candidates';

export function sites(ctx: Ctx): { a: Site; b: Site } | string {
  const f = ctx.finding;
  if (!f.other) return 'the finding names only one call';
  const a = siteOf(ctx.root, f.primary, ctx.lex);
  const b = siteOf(ctx.root, f.other, ctx.lex);
  if (!a || !b) return 'the calls are no longer where the analysis found them';
  if (f.primary.callSite === f.other.callSite || a.call.id === b.call.id) return 'both events come from the same call, so there is nothing to reorder';
  return { a, b };
}

/** A node's original text (the parsed text has loop macros rewritten). */
export const src = (ctx: Ctx, n: SyntaxNode): string => ctx.text.slice(n.startIndex, n.endIndex);

export const fnName = (s: Site): string => `\`${s.event.callee}()\``;

/** Whether the set-up reports a status a fix can check. */
export function returnsStatus(s: Site): boolean {
  // The core's events say so for wrappers that return the set-up's result; else only direct calls count.
  const viaCore = (s.event as { returnsStatus?: boolean }).returnsStatus;
  if (viaCore !== undefined) return viaCore;
  return !!s.event.entry.returnsStatus && s.event.via.length <= 1;
}

/** Set-ups that return an irq number (>= 0) rather than 0 on success, like bind_ipi_to_irqhandler(). */
export function returnsIrq(s: Site): boolean {
  return /^bind_\w*irq/.test(s.event.entry.name) || /returns (the|an) irq/i.test(s.event.entry.note ?? '');
}

/** The C conditions for failure and success of a set-up whose result is in `v`. */
export function tests(s: Site, v: string): { failed: string; ok: string } {
  return returnsIrq(s) ? { failed: `${v} < 0`, ok: `${v} >= 0` } : { failed: v, ok: `!${v}` };
}
