import { locateCodeowners, parseCodeowners } from './codeowners.js';
import type { Finding } from './codes.js';
import { loadGrants } from './grant.js';
import type { Grant } from './model.js';
import { loadPolicies, validPolicies } from './policies.js';
import { crossGrantFindings } from './rules/cross.js';
import { judgeGrant, OFFLINE_TEAMS, type TeamDirectory } from './rules/single.js';
import type { Tree } from './tree.js';

export interface CheckReport {
  ok: boolean;
  errors: Finding[];
  warnings: Finding[];
  /** Things worth knowing that are neither errors nor warnings (team entries not verified offline). */
  notes: string[];
  grants: number;
  policies: number;
  /** Grants that loaded (for `jit status`, sync and expiry planning). */
  loaded: Grant[];
}

/**
 * `jit check`: validates every policy and grant of a tree at `now` (SPEC §7). Pure: the tree
 * and the clock come in, findings come out. Expired grants are warnings; team-based
 * eligibility is noted as not verified unless a team directory is given.
 */
export function checkTree(
  tree: Tree,
  now: number,
  teams: TeamDirectory = OFFLINE_TEAMS,
): CheckReport {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const all = loadPolicies(tree);
  for (const r of all.values()) if (!r.ok) errors.push(...r.errors);
  const policies = validPolicies(all);

  const { grants: loaded, failed } = loadGrants(tree, (s) => all.get(s));
  const grantErrors: Finding[] = failed.flatMap((f) => f.errors);
  const grantFiles = loaded.length + failed.length;
  const teamOnly = new Set<string>();
  for (const g of loaded) {
    const role = policies.get(g.system)!.roles.get(g.role)!;
    const judged = judgeGrant(g, role, { now, teams, expired: 'warn' });
    grantErrors.push(...judged.errors);
    for (const w of judged.warnings) {
      if (w.code === 'W_TEAM_UNVERIFIED') teamOnly.add(g.path);
      else warnings.push(w);
    }
  }
  // Report file by file, in the tree's order (a stable sort keeps each file's own order).
  const order = new Map([...tree.keys()].map((p, i) => [p, i]));
  grantErrors.sort((a, b) => (order.get(a.path ?? '') ?? 0) - (order.get(b.path ?? '') ?? 0));
  errors.push(...grantErrors);
  for (const list of crossGrantFindings(loaded, policies, now).values()) errors.push(...list);
  // An invalid CODEOWNERS line denies every request on the gate; say so before anyone asks.
  const codeowners = locateCodeowners((p) => {
    const f = tree.get(p);
    return f ? new TextDecoder().decode(f.bytes) : undefined;
  });
  if (codeowners) errors.push(...parseCodeowners(codeowners.text, codeowners.path).errors);
  const notes =
    teamOnly.size > 0
      ? [
          `${teamOnly.size} grant(s) are eligible only through team membership, which is not verified offline; the gate verifies it on each pull request.`,
        ]
      : [];
  return {
    ok: errors.length === 0,
    errors,
    warnings,
    notes,
    grants: grantFiles,
    policies: all.size,
    loaded,
  };
}
