// The knowledge base: which calls publish, set up, tear down or send to a CPU. Data, looked up by callee.
import type { KbEntry } from '../types';
import { BUILTIN_ENTRIES, BUILTIN_LEXICON } from './builtin';

/** Names that are not role-bearing calls but shape CPU identity and control flow. */
export interface Lexicon {
  /** Calls that evaluate to the running CPU: smp_processor_id(), raw_smp_processor_id(), get_cpu(). */
  selfCpu: string[];
  /** Calls that map a CPU to another id of the same CPU: xen_vcpu_nr(cpu), per_cpu(var, cpu). */
  cpuMappers: { name: string; arg: number }[];
  /** Expressions that denote the online mask (after stripping '&', casts and parentheses). */
  onlineMasks: string[];
  /** Calls that do not return: BUG(), panic(). */
  noReturn: string[];
  /** Calls that do not return when their first argument is true: BUG_ON(x). */
  noReturnIf: string[];
  /** Calls that pass a condition through unchanged: WARN_ON(x), unlikely(x). */
  transparent: string[];
  /** Calls whose arguments are only reported: pr_err(), printk(). A status passed only here is ignored. */
  reporters: string[];
  /** Loop macros followed by a body: for_each_online_cpu(cpu) { ... }. Matched as prefixes. */
  loopMacroPrefixes: string[];
  /** Names of functions that run on the booting CPU (R3): start_secondary, secondary_start_kernel, ... */
  apEntryFunctions?: string[];
  /** Calls that mark their caller as booting-CPU code: notify_cpu_starting(), cpu_startup_entry(). */
  apEntryCalls?: string[];
  /**
   * Functions that publish the boot CPU online while it is the only CPU (boot_cpu_init, mark_bsp_online): no other
   * CPU exists to send an IPI yet, so their publish is not a race and need not reach callers' summaries.
   */
  bootCpuPublishers?: string[];
  /**
   * Kicks after which the new CPU waits, before it can mark itself online, until a later hot-plug state releases it
   * (6.5+: it spins in cpuhp_ap_sync_alive() until CPUHP_BRINGUP_CPU's cpuhp_bringup_ap()). They publish nothing, so
   * an IPI set-up after one is in time (kernel-kb R2); calls of them have no events, whatever their bodies do.
   */
  gatedKicks?: string[];
}

export class KnowledgeBase {
  private readonly byName = new Map<string, KbEntry[]>();
  private readonly byField = new Map<string, KbEntry[]>();

  readonly entries: readonly KbEntry[];

  constructor(entries: readonly KbEntry[], readonly lexicon: Lexicon = BUILTIN_LEXICON) {
    // A later entry for the same callee, role and condition replaces the earlier one in place, so a rules file can
    // refine a built-in entry (returnsStatus, guarded, vectors, note) instead of adding a second event.
    const merged: KbEntry[] = [];
    const at = new Map<string, number>();
    for (const e of entries) {
      const k = identity(e);
      const i = at.get(k);
      if (i === undefined) {
        at.set(k, merged.length);
        merged.push(e);
      } else merged[i] = e;
    }
    this.entries = merged;
    for (const e of merged) {
      const key = e.kind === 'field' ? fieldOf(e.name) : e.name;
      const map = e.kind === 'field' ? this.byField : this.byName;
      const list = map.get(key) ?? [];
      list.push(e);
      map.set(key, list);
    }
  }

  static builtin(): KnowledgeBase {
    return new KnowledgeBase(BUILTIN_ENTRIES);
  }

  /** A knowledge base with extra entries; they come after the existing ones, and replace those with the same callee, role and `when`. */
  extend(extra: readonly KbEntry[]): KnowledgeBase {
    return extra.length ? new KnowledgeBase([...this.entries, ...extra], this.lexicon) : this;
  }

  /** Entries for a plain function call. */
  forFunction(name: string): readonly KbEntry[] {
    return this.byName.get(name) ?? [];
  }

  /**
   * Entries for a call through a member: `obj.field(...)` or `obj->field(...)`.
   * A field entry named `obj.field` matches only that object; a bare `field` matches any.
   */
  forField(object: string, field: string): readonly KbEntry[] {
    const list = this.byField.get(field);
    if (!list) return [];
    const obj = object.replace(/^[&*(\s]+|[)\s]+$/g, '');
    return list.filter((e) => !objectOf(e.name) || objectOf(e.name) === obj || obj.endsWith('.' + objectOf(e.name)) || obj.endsWith('>' + objectOf(e.name)));
  }

  /** Every identifier that can make a file relevant (for token prefilters). */
  tokens(): Set<string> {
    const out = new Set<string>();
    for (const k of this.byName.keys()) out.add(k);
    for (const k of this.byField.keys()) out.add(k);
    return out;
  }
}

function identity(e: KbEntry): string {
  const when = (e.when ?? []).map((w) => [w.arg, [...w.oneOf].sort()]).sort((a, b) => (a[0] as number) - (b[0] as number));
  return JSON.stringify([e.kind, e.name.replace(/->/g, '.'), e.role, when]);
}

// Entry names may spell a pointer member as 'ops->field'; it is treated like 'ops.field'.
function fieldOf(name: string): string {
  const n = name.replace(/->/g, '.');
  const i = n.lastIndexOf('.');
  return i < 0 ? n : n.slice(i + 1);
}

function objectOf(name: string): string {
  const n = name.replace(/->/g, '.');
  const i = n.lastIndexOf('.');
  return i < 0 ? '' : n.slice(0, i);
}
