import { createRequire as __jitCreateRequire } from 'node:module'; const require = __jitCreateRequire(import.meta.url);
import {
  OFFLINE_TEAMS,
  crossGrantFindings,
  judgeGrant,
  locateCodeowners,
  parseCodeowners
} from "./chunk-KX2J3E7P.js";
import {
  loadPolicies,
  validPolicies
} from "./chunk-B3ECCHGL.js";
import {
  loadGrants
} from "./chunk-A3BRDDDL.js";

// src/core/check.ts
function checkTree(tree, now, teams = OFFLINE_TEAMS) {
  const errors = [];
  const warnings = [];
  const all = loadPolicies(tree);
  for (const r of all.values()) if (!r.ok) errors.push(...r.errors);
  const policies = validPolicies(all);
  const { grants: loaded, failed } = loadGrants(tree, (s) => all.get(s));
  const grantErrors = failed.flatMap((f) => f.errors);
  const grantFiles = loaded.length + failed.length;
  const teamOnly = /* @__PURE__ */ new Set();
  for (const g of loaded) {
    const role = policies.get(g.system).roles.get(g.role);
    const judged = judgeGrant(g, role, { now, teams, expired: "warn" });
    grantErrors.push(...judged.errors);
    for (const w of judged.warnings) {
      if (w.code === "W_TEAM_UNVERIFIED") teamOnly.add(g.path);
      else warnings.push(w);
    }
  }
  const order = new Map([...tree.keys()].map((p, i) => [p, i]));
  grantErrors.sort((a, b) => (order.get(a.path ?? "") ?? 0) - (order.get(b.path ?? "") ?? 0));
  errors.push(...grantErrors);
  for (const list of crossGrantFindings(loaded, policies, now).values()) errors.push(...list);
  const codeowners = locateCodeowners((p) => {
    const f = tree.get(p);
    return f ? new TextDecoder().decode(f.bytes) : void 0;
  });
  if (codeowners) errors.push(...parseCodeowners(codeowners.text, codeowners.path).errors);
  const notes = teamOnly.size > 0 ? [
    `${teamOnly.size} grant(s) are eligible only through team membership, which is not verified offline; the gate verifies it on each pull request.`
  ] : [];
  return {
    ok: errors.length === 0,
    errors,
    warnings,
    notes,
    grants: grantFiles,
    policies: all.size,
    loaded
  };
}

export {
  checkTree
};
