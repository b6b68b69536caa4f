import type { Finding } from '../../core/codes.js';
import { loadGrants } from '../../core/grant.js';
import type { Grant, Policy } from '../../core/model.js';
import { policySystem } from '../../core/paths.js';
import { loadPolicies } from '../../core/policies.js';
import type { Result } from '../../core/result.js';
import type { Tree } from '../../core/tree.js';

/** A load error with the system it makes fail, when it belongs to one. */
export interface LoadError extends Finding {
  system?: string;
}

export interface SyncInputs {
  policies: Map<string, Result<Policy>>;
  /** Grants that loaded (schema, role and times valid), active or not. */
  grants: Grant[];
  /** Systems whose policy or any grant file failed to load. */
  failedSystems: Set<string>;
  errors: LoadError[];
}

/**
 * What sync reads from a tree: every policy and every grant file that loads. Sync does not
 * re-judge merged grants (approvals, caps, overlap are the gate's job on the pull request), it
 * only needs them as data. A file that does not load makes its system fail: sync cannot know
 * whether it was the grant backing a membership, so that system gets no removals.
 *
 * A broken file is attributed to the folder it sits in (`grants/<system>/…`, lower-cased, so a
 * `grants/Coupa/` typo holds back coupa's removals too). A file directly under `grants/` belongs
 * to no system: it is reported (exit 1) and holds back nothing, since it cannot back access.
 */
export function loadSyncInputs(tree: Tree): SyncInputs {
  const policies = loadPolicies(tree);
  const errors: LoadError[] = [];
  const failedSystems = new Set<string>();
  for (const [key, r] of policies) {
    if (r.ok) continue;
    const system = policySystem(`policies/${key}.yaml`) ?? policySystem(key);
    if (system) failedSystems.add(system);
    errors.push(...r.errors.map((e) => (system ? { ...e, system } : e)));
  }
  const { grants, failed } = loadGrants(tree, (s) => policies.get(s));
  for (const f of failed) {
    const parts = f.path.split('/');
    const system = parts.length >= 3 ? parts[1]!.toLowerCase() : undefined;
    if (system) failedSystems.add(system);
    errors.push(...f.errors.map((e) => (system ? { ...e, system } : e)));
  }
  return { policies, grants, failedSystems, errors };
}
