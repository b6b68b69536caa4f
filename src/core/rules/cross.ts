import { type Finding, finding } from '../codes.js';
import type { Grant, Policy } from '../model.js';
import { loginKey } from '../model.js';
import { formatInstant } from '../time.js';

/** The part of a grant's window that is still to come: [max(start, now), expires). */
interface Window {
  grant: Grant;
  start: number;
  end: number;
}

/**
 * Cross-grant rules of SPEC §4: E_OVERLAP (same subject + system + role, overlapping windows in
 * two files) and E_SOD_CONFLICT (the subject holds or requests a conflicting role for an
 * overlapping window). Only what is still to come counts: an expired grant overlaps nothing.
 *
 * Cost: grants are grouped by subject, then each group is swept in start order, so the work is
 * O(n log n) in the number of grants, never a scan of all pairs.
 *
 * `focus`: when given, findings are attached only to these paths (a pull request's requested
 * grants are judged against the base tree; the base grants themselves are not re-judged).
 */
export function crossGrantFindings(
  grants: Grant[],
  policies: Map<string, Policy>,
  now: number,
  focus?: Set<string>,
): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  const add = (g: Grant, f: Finding) => {
    if (focus && !focus.has(g.path)) return;
    const list = out.get(g.path) ?? [];
    if (!list.some((x) => x.code === f.code && x.message === f.message)) list.push(f);
    out.set(g.path, list);
  };

  const bySubject = new Map<string, Map<string, Window[]>>();
  for (const grant of grants) {
    const start = Math.max(grant.startsAt ?? now, now);
    if (grant.expiresAt <= start) continue;
    const roleKey = `${grant.system}/${grant.role}`;
    const subject = loginKey(grant.subject);
    let roles = bySubject.get(subject);
    if (!roles) {
      roles = new Map();
      bySubject.set(subject, roles);
    }
    const list = roles.get(roleKey) ?? [];
    list.push({ grant, start, end: grant.expiresAt });
    roles.set(roleKey, list);
  }

  const conflicts = conflictIndex(policies);
  for (const roles of bySubject.values()) {
    for (const list of roles.values()) list.sort((a, b) => a.start - b.start || a.end - b.end);
    for (const [roleKey, list] of roles) {
      sweep(list, list, (a, b) => {
        const msg = (x: Window, y: Window) =>
          `${x.grant.path}: ${x.grant.subject} already has ${roleKey} from ${y.grant.path} (${fmt(y)}), overlapping this grant's window (${fmt(x)}). Extend or narrow the existing grant instead of adding a second one.`;
        add(a.grant, finding('E_OVERLAP', msg(a, b), { path: a.grant.path }));
        add(b.grant, finding('E_OVERLAP', msg(b, a), { path: b.grant.path }));
      });
      for (const other of conflicts.get(roleKey) ?? []) {
        if (other <= roleKey) continue; // each unordered pair once
        const otherList = roles.get(other);
        if (!otherList) continue;
        sweep(list, otherList, (a, b) => {
          const msg = (x: Window, y: Window) =>
            `${x.grant.path}: ${x.grant.subject} would hold ${x.grant.system}/${x.grant.role} and ${y.grant.system}/${y.grant.role} (${y.grant.path}) at the same time (${fmt(x)} overlaps ${fmt(y)}); these roles are declared in conflict (separation of duties). Let the other grant end first or ask someone else.`;
          add(a.grant, finding('E_SOD_CONFLICT', msg(a, b), { path: a.grant.path, field: 'role' }));
          add(b.grant, finding('E_SOD_CONFLICT', msg(b, a), { path: b.grant.path, field: 'role' }));
        });
      }
    }
  }
  return out;
}

/**
 * Reports overlapping pairs between two start-sorted lists (or within one, when `xs === ys`).
 * Each window is compared with the latest-ending window of the other list seen so far: if it
 * overlaps any earlier window it overlaps that one, so every overlapping window is reported.
 */
function sweep(xs: Window[], ys: Window[], hit: (a: Window, b: Window) => void): void {
  const same = xs === ys;
  const merged = same
    ? xs.map((w) => ({ w, side: 0 }))
    : [...xs.map((w) => ({ w, side: 0 })), ...ys.map((w) => ({ w, side: 1 }))].sort(
        (a, b) => a.w.start - b.w.start,
      );
  const latest: Array<Window | undefined> = [undefined, undefined];
  for (const { w, side } of merged) {
    const other = same ? latest[0] : latest[1 - side];
    if (other && w.start < other.end && other.grant.path !== w.grant.path) hit(w, other);
    const mine = same ? 0 : side;
    if (!latest[mine] || latest[mine]!.end < w.end) latest[mine] = w;
  }
}

/** `system/role` → the roles it conflicts with, declared on either side. */
function conflictIndex(policies: Map<string, Policy>): Map<string, Set<string>> {
  const idx = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    const s = idx.get(a) ?? new Set<string>();
    s.add(b);
    idx.set(a, s);
  };
  for (const p of policies.values()) {
    for (const role of p.roles.values()) {
      for (const c of role.conflicts) {
        link(`${p.system}/${role.name}`, c);
        link(c, `${p.system}/${role.name}`);
      }
    }
  }
  return idx;
}

const fmt = (w: Window) => `${formatInstant(w.start)} to ${formatInstant(w.end)}`;
