import { finding } from './codes.js';
import type { Policy } from './model.js';
import { loadPolicy } from './policy.js';
import type { Result } from './result.js';
import type { Tree } from './tree.js';

/**
 * Loads every `policies/*.yaml` of a tree and checks what one file cannot check alone:
 * `conflicts` entries naming `system/role` must name a role that exists (a typo would silently
 * switch separation of duties off, so it invalidates the policy that has it).
 */
export function loadPolicies(tree: Tree): Map<string, Result<Policy>> {
  const out = new Map<string, Result<Policy>>();
  for (const file of tree.values()) {
    if (!file.path.startsWith('policies/')) continue;
    const r = loadPolicy(file);
    const system = r.ok ? r.value.system : /^policies\/([^/]+)\.yaml$/.exec(file.path)?.[1];
    out.set(system ?? file.path, r);
  }
  for (const [system, r] of out) {
    if (!r.ok) continue;
    const errors = [];
    for (const role of r.value.roles.values()) {
      for (const c of role.conflicts) {
        const [sys, name] = c.split('/') as [string, string];
        const other = out.get(sys);
        if (!other) {
          errors.push(
            finding(
              'E_POLICY_INVALID',
              `${r.value.path}: roles.${role.name}.conflicts names ${c}, but there is no policies/${sys}.yaml; fix the name or remove the entry.`,
              { path: r.value.path, field: `roles.${role.name}.conflicts` },
            ),
          );
        } else if (other.ok && !other.value.roles.has(name)) {
          errors.push(
            finding(
              'E_POLICY_INVALID',
              `${r.value.path}: roles.${role.name}.conflicts names ${c}, but policies/${sys}.yaml has no role ${name}; fix the name or remove the entry.`,
              { path: r.value.path, field: `roles.${role.name}.conflicts` },
            ),
          );
        }
      }
    }
    if (errors.length > 0) out.set(system, { ok: false, errors });
  }
  return out;
}

/** The loaded (valid) policies only. */
export function validPolicies(all: Map<string, Result<Policy>>): Map<string, Policy> {
  const out = new Map<string, Policy>();
  for (const [k, r] of all) if (r.ok) out.set(k, r.value);
  return out;
}
