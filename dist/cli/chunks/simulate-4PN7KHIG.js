import { createRequire as __jitCreateRequire } from 'node:module'; const require = __jitCreateRequire(import.meta.url);
import {
  crossGrantFindings,
  isTeam,
  judgeGrant,
  locateCodeowners,
  ownerKind,
  ownersFor,
  parseCodeowners,
  teamSlug
} from "./chunk-KX2J3E7P.js";
import {
  changedIdentity,
  classifyFiles,
  isNarrowing
} from "./chunk-W5BYYMIN.js";
import {
  loadPolicies,
  validPolicies
} from "./chunk-B3ECCHGL.js";
import {
  COMMON,
  clock,
  describeSchemaErrors,
  finding,
  formatInstant,
  loadGrant,
  loadGrants,
  loginKey,
  newAjv,
  parse,
  parseInstant
} from "./chunk-A3BRDDDL.js";
import {
  EXIT,
  UsageError
} from "./chunk-IK6MJZGE.js";

// src/cli/commands/simulate.ts
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

// src/core/evaluate/snapshot.ts
var refLogin = (u) => u === null || u === void 0 ? void 0 : typeof u === "string" ? u : u.login;
var refId = (u) => u !== null && u !== void 0 && typeof u === "object" ? u.id : void 0;

// src/core/evaluate/people.ts
var People = class {
  byLogin = /* @__PURE__ */ new Map();
  byId = /* @__PURE__ */ new Map();
  constructor(users) {
    for (const u of users) {
      this.byLogin.set(loginKey(u.login), u);
      this.byId.set(u.id, u);
    }
  }
  resolve(ref) {
    const login = refLogin(ref);
    const id = refId(ref);
    const known = (id !== void 0 ? this.byId.get(id) : void 0) ?? (login ? this.byLogin.get(loginKey(login)) : void 0);
    if (known)
      return { login: known.login, id: known.id, type: known.type, permission: known.permission };
    if (!login) return void 0;
    return { login, ...id !== void 0 ? { id } : {}, type: "Unknown", permission: "none" };
  }
  /** Same person? By id when both are known, else by login, case-insensitively. */
  same(a, b) {
    if (!a || !b) return false;
    if (a.id !== void 0 && b.id !== void 0) return a.id === b.id;
    return loginKey(a.login) === loginKey(b.login);
  }
};
var canWrite = (p) => !!p && (p.permission === "write" || p.permission === "maintain" || p.permission === "admin");
var isHuman = (p) => p.type === "User";
var personKey = (p) => p.id !== void 0 ? `#${p.id}` : `@${loginKey(p.login)}`;

// src/core/evaluate/reviews.ts
var DECISIVE = /* @__PURE__ */ new Set(["APPROVED", "CHANGES_REQUESTED", "DISMISSED"]);
function latestDecisive(reviews, people) {
  const sorted = reviews.filter((r) => DECISIVE.has(r.state)).sort((a, b) => (a.submitted_at ?? "").localeCompare(b.submitted_at ?? "") || a.id - b.id);
  const byReviewer = /* @__PURE__ */ new Map();
  for (const r of sorted) {
    const person = people.resolve(r.user);
    if (!person) continue;
    const key = personKey(person);
    const prev = byReviewer.get(key);
    if (prev) {
      prev.superseded.push(prev.latest);
      prev.latest = r;
    } else {
      byReviewer.set(key, { person, latest: r, superseded: [] });
    }
  }
  return [...byReviewer.values()];
}
function approvalProblem(state, ex, people) {
  const p = state.person;
  if (!isHuman(p)) return p.type === "Unknown" ? "I_NO_WRITE" : "I_BOT";
  if (people.same(p, ex.author)) return "I_SELF";
  if (people.same(p, ex.requester)) return "I_REQUESTER";
  if (people.same(p, ex.subject)) return "I_SUBJECT";
  if (ex.contributors.some((c) => people.same(p, c))) return "I_CONTRIBUTOR";
  if (state.latest.commit_id !== ex.headSha) return "I_STALE";
  if (!canWrite(p)) return "I_NO_WRITE";
  return void 0;
}

// src/core/evaluate/approvals.ts
function teamMembership(snap, team, login) {
  const org = team.slice(1, team.indexOf("/"));
  if (loginKey(org) !== loginKey(snap.repository.owner)) return "no";
  const t = snap.teams[loginKey(teamSlug(team))];
  if (!t) return "no";
  if (t.members.some((m) => loginKey(m) === loginKey(login))) return "yes";
  if (t.pending?.some((m) => loginKey(m) === loginKey(login))) return "pending";
  return "no";
}
function membership(p, principal, snap) {
  if (!isTeam(principal))
    return loginKey(principal.replace(/^@/, "")) === loginKey(p.login) ? "yes" : "no";
  return teamMembership(snap, principal, p.login);
}
function namedBy(p, principals, snap) {
  let best = "no";
  for (const pr of principals) {
    const m = membership(p, pr, snap);
    if (m === "yes") return "yes";
    if (m === "pending") best = "pending";
  }
  return best;
}
function judgeApprovals(role, owners, reviewers, ex, people, snap) {
  const ignored = [];
  const approverHits = [];
  const ownerHits = [];
  for (const r of reviewers) {
    for (const old of r.superseded) {
      if (old.state === "APPROVED") ignored.push({ user: r.person.login, code: "I_SUPERSEDED" });
    }
    if (r.latest.state !== "APPROVED") continue;
    const problem = approvalProblem(r, ex, people);
    if (problem) {
      ignored.push({ user: r.person.login, code: problem });
      continue;
    }
    const asApprover = namedBy(r.person, role.approvers, snap);
    const asOwner = owners.length > 0 ? namedBy(
      r.person,
      owners.filter((o) => ownerKind(o) !== "email"),
      snap
    ) : "no";
    if (asApprover === "yes") approverHits.push(r.person.login);
    if (asOwner === "yes") ownerHits.push(r.person.login);
    if (asApprover !== "yes" && asOwner !== "yes") {
      const pending = asApprover === "pending" || asOwner === "pending";
      ignored.push({ user: r.person.login, code: pending ? "I_NOT_MEMBER" : "I_NOT_APPROVER" });
    } else if (asApprover !== "yes" && role.approvals > 0) {
      ignored.push({
        user: r.person.login,
        code: asApprover === "pending" ? "I_NOT_MEMBER" : "I_NOT_APPROVER",
        message: "counts as code owner approval only"
      });
    }
  }
  const requirements = [];
  const have = approverHits.length;
  const from = role.approvers;
  requirements.push({
    code: "P_APPROVALS",
    met: have >= role.approvals,
    needed: role.approvals,
    have: Math.min(have, Math.max(role.approvals, have)),
    from,
    approved_by: approverHits,
    message: role.approvals === 0 ? "no approval needed by policy" : `${Math.min(have, role.approvals)} of ${role.approvals} approval${role.approvals > 1 ? "s" : ""} from ${from.join(", ")}`
  });
  let unowned;
  if (owners.length > 0) {
    requirements.push({
      code: "P_CODEOWNER",
      met: ownerHits.length > 0,
      needed: 1,
      have: ownerHits.length,
      from: owners,
      approved_by: ownerHits,
      message: `${ownerHits.length > 0 ? "code owner approved" : "needs 1 approval from a code owner"} (${owners.join(", ")})`
    });
    if (ownerHits.length === 0 && owners.every((o) => !canEverApprove(o, ex, people, snap)))
      unowned = owners;
  }
  return { requirements, ignored, ...unowned ? { unowned } : {} };
}
function canEverApprove(owner, ex, people, snap) {
  const kind = ownerKind(owner);
  if (kind === "email" || kind === void 0) return false;
  const eligible = (p, permissionKnown) => {
    if (!p) return !permissionKnown;
    if (people.same(p, ex.author) || people.same(p, ex.requester) || people.same(p, ex.subject))
      return false;
    if (ex.contributors.some((c) => people.same(p, c))) return false;
    if (p.type === "Unknown") return true;
    return isHuman(p) && canWrite(p);
  };
  if (kind === "user") {
    const p = people.resolve(owner.slice(1));
    return eligible(p, p?.type !== "Unknown");
  }
  if (loginKey(owner.slice(1, owner.indexOf("/"))) !== loginKey(snap.repository.owner))
    return false;
  const t = snap.teams[loginKey(teamSlug(owner))];
  if (!t) return true;
  return t.members.some((m) => eligible(people.resolve(m), true));
}

// src/core/evaluate/decision.ts
function worst(a, b) {
  const rank = { not_applicable: 0, approved: 1, pending: 2, denied: 3 };
  return rank[a] >= rank[b] ? a : b;
}
var reason = (f) => ({ code: f.code, message: f.message });

// src/core/evaluate/summary.ts
function summarize(d) {
  const cap = (s) => s.length > 140 ? `${s.slice(0, 139)}\u2026` : s;
  if (d.verdict === "not_applicable") return "no access request in this pull request";
  if (d.verdict === "denied") {
    const codes = /* @__PURE__ */ new Set([
      ...d.errors.map((e) => e.code),
      ...d.grants.flatMap((g) => g.reasons.map((r) => r.code))
    ]);
    return cap(`denied: ${[...codes].join(", ")}`);
  }
  if (d.verdict === "pending") {
    const missing = d.grants.flatMap(
      (g) => g.requirements.filter((r) => !r.met).map((r) => r.message)
    );
    return cap(`pending: ${[...new Set(missing)].join("; ")}`);
  }
  const requests = d.grants.filter((g) => g.requirements.length > 0).length;
  return cap(
    requests === 0 ? "approved: revocation or narrowing only" : `approved: ${requests} access request${requests > 1 ? "s" : ""}`
  );
}

// src/core/evaluate/evaluate.ts
function evaluate(snap) {
  const nowParsed = parseInstant(snap.now);
  const now = nowParsed.ok ? nowParsed.ms : Number.NaN;
  const { changes, outside } = classifyFiles(snap.pull_request.files);
  if (changes.length === 0) {
    return {
      verdict: "not_applicable",
      grants: [],
      errors: [],
      summary: "no access request in this pull request"
    };
  }
  const errors = pullRequestErrors(snap, outside);
  if (!nowParsed.ok) {
    errors.push({ code: "E_TIME_FORMAT", message: `snapshot now "${snap.now}" ${nowParsed.why}.` });
  }
  const base = baseContext(snap);
  const decisions = [];
  const requested = [];
  for (const c of changes) {
    const d = judgeChange(c, base.tree, base.lookup, base.policies, now, base.teams);
    decisions.push(d.decision);
    if (d.request) requested.push({ d: d.decision, grant: d.request });
  }
  judgeRequests(requested, otherBaseGrants(base, changes), base, snap, now);
  return withVerdicts(decisions, errors);
}
function baseContext(snap) {
  const tree = baseTree(snap.base.files);
  const all = loadPolicies(tree);
  return {
    tree,
    all,
    policies: validPolicies(all),
    lookup: (s) => all.get(s),
    teams: snapshotTeams(snap),
    people: new People(snap.users),
    codeowners: loadCodeowners(tree)
  };
}
function pullRequestErrors(snap, outside) {
  const errors = [];
  const pr = snap.pull_request;
  if (pr.base_ref !== snap.repository.default_branch) {
    errors.push({
      code: "E_BASE_BRANCH",
      message: `this pull request targets ${pr.base_ref}; access requests must target the default branch ${snap.repository.default_branch}, whose policies apply. Change the base branch.`
    });
  }
  if (outside.length > 0) {
    errors.push({
      code: "E_MIXED_CHANGE",
      message: `this pull request changes grants and also ${outside.slice(0, 5).join(", ")}${outside.length > 5 ? ` and ${outside.length - 5} more` : ""}; a grant change must be alone in its pull request (policies, CODEOWNERS and workflows are judged from the default branch). Split the pull request.`,
      path: outside[0]
    });
  }
  return errors;
}
function otherBaseGrants(base, changes) {
  const touched = new Set(
    changes.flatMap((c) => [c.path, ...c.previousPath ? [c.previousPath] : []])
  );
  return loadGrants(base.tree, base.lookup, (path) => !touched.has(path)).grants;
}
function judgeRequests(requested, baseGrants, base, snap, now) {
  const pr = snap.pull_request;
  const { people, codeowners } = base;
  const cross = crossGrantFindings(
    [...baseGrants, ...requested.map((r) => r.grant)],
    base.policies,
    now,
    new Set(requested.map((r) => r.grant.path))
  );
  const reviewers = latestDecisive(pr.reviews, people);
  const author = people.resolve(pr.author);
  const contributors = pr.commits.flatMap((c) => [people.resolve(c.author), people.resolve(c.committer)]).filter((p) => p !== void 0);
  const blockers = reviewers.filter(
    (r) => r.latest.state === "CHANGES_REQUESTED" && canWrite(r.person)
  );
  for (const { d, grant } of requested) {
    const deny = (code, message) => d.reasons.push(reason(finding(code, message, { path: grant.path })));
    for (const f of cross.get(grant.path) ?? []) d.reasons.push(reason(f));
    if (author && grant.requester.toLowerCase() !== author.login.toLowerCase()) {
      deny(
        "E_REQUESTER_MISMATCH",
        `${grant.path}: requester is ${grant.requester} but the pull request was opened by ${author.login}; the requester must be the author. Set requester: ${author.login} or let ${grant.requester} open the pull request.`
      );
    }
    for (const b of blockers) {
      deny(
        "E_CHANGES_REQUESTED",
        `${grant.path}: ${b.person.login} requested changes; address them and ask ${b.person.login} to approve or dismiss the review.`
      );
    }
    for (const e of codeowners.errors)
      d.reasons.push(reason({ ...e, message: `${grant.path}: ${e.message}` }));
    const role = base.policies.get(grant.system).roles.get(grant.role);
    const requester = people.resolve(grant.requester);
    const subject = people.resolve(grant.subject);
    const ex = {
      ...author ? { author } : {},
      ...requester ? { requester } : {},
      ...subject ? { subject } : {},
      contributors,
      headSha: pr.head_sha
    };
    const a = judgeApprovals(
      role,
      ownersFor(codeowners.rules, grant.path).owners,
      reviewers,
      ex,
      people,
      snap
    );
    d.requirements = a.requirements;
    d.ignored_reviews = a.ignored;
    if (a.unowned) {
      deny(
        "E_UNOWNED",
        `${grant.path}: every code owner of this file (${a.unowned.join(", ")}) is the requester, the subject, a contributor to this pull request, a bot or lacks write access, so no code owner can approve it. Ask the owners of ${codeowners.path ?? "CODEOWNERS"} to add an eligible owner.`
      );
    }
  }
}
function withVerdicts(decisions, errors) {
  let verdict = errors.length > 0 ? "denied" : "approved";
  for (const d of decisions) {
    if (d.reasons.length > 0 || errors.length > 0) d.verdict = "denied";
    else if (d.requirements.some((r) => !r.met)) d.verdict = "pending";
    else d.verdict = "approved";
    verdict = worst(verdict, d.verdict);
  }
  const decision = { verdict, grants: decisions, errors, summary: "" };
  decision.summary = summarize(decision);
  return decision;
}
function judgeChange(c, base, lookup, policies, now, teams) {
  const d = {
    path: c.path,
    change: c.change,
    verdict: "approved",
    reasons: [],
    requirements: [],
    ignored_reviews: []
  };
  const before = base.get(c.change === "renamed" ? c.previousPath : c.path);
  const beforeGrant = before ? loadGrant(before, lookup) : void 0;
  if (beforeGrant?.ok) {
    const b = beforeGrant.value;
    d.previous = {
      path: b.path,
      subject: b.subject,
      role: b.role,
      expires_at: formatInstant(b.expiresAt)
    };
  }
  if (c.change === "removed") return { decision: d };
  const head = loadGrant(headFile(c.file), lookup);
  if (!head.ok) {
    d.reasons.push(...head.errors.map(reason));
    return { decision: d };
  }
  const g = head.value;
  d.grant = {
    system: g.system,
    role: g.role,
    requester: g.requester,
    subject: g.subject,
    ...g.ticket !== void 0 ? { ticket: g.ticket } : {},
    justification: g.justification,
    ...g.startsAt !== void 0 ? { starts_at: formatInstant(g.startsAt) } : {},
    expires_at: formatInstant(g.expiresAt)
  };
  const role = policies.get(g.system).roles.get(g.role);
  if (c.change === "modified" && beforeGrant?.ok) {
    const changed = changedIdentity(beforeGrant.value, g);
    if (changed.length > 0) {
      for (const field of changed) {
        d.reasons.push(
          reason(
            finding(
              "E_IMMUTABLE_FIELD",
              `${g.path}: ${field} changed from "${beforeGrant.value[field]}" to "${g[field]}"; ${field} never changes in place. Remove this grant and add a new file instead.`,
              { path: g.path, field }
            )
          )
        );
      }
      return { decision: d };
    }
    if (isNarrowing(beforeGrant.value, g)) {
      d.change = "narrowed";
      if (g.startsAt !== void 0 && g.startsAt >= g.expiresAt) {
        d.reasons.push(
          reason(
            finding(
              "E_WINDOW",
              `${g.path}: starts_at ${formatInstant(g.startsAt)} is not before expires_at ${formatInstant(g.expiresAt)}; to end the grant, delete the file instead.`,
              { path: g.path, field: "starts_at" }
            )
          )
        );
      }
      return { decision: d };
    }
  }
  const judged = judgeGrant(g, role, { now, teams, expired: "deny" });
  d.reasons.push(...judged.errors.map(reason));
  return { decision: d, request: g };
}
function baseTree(files) {
  const tree = /* @__PURE__ */ new Map();
  for (const [path, content] of Object.entries(files)) {
    if (typeof content === "string")
      tree.set(path, { path, bytes: new TextEncoder().encode(content), mode: "100644" });
    else
      tree.set(path, {
        path,
        bytes: Buffer.from(content.base64, "base64"),
        mode: content.mode ?? "100644"
      });
  }
  return tree;
}
function headFile(f) {
  const bytes = f.content_base64 !== void 0 ? Buffer.from(f.content_base64, "base64") : new TextEncoder().encode(f.content ?? "");
  return { path: f.path, bytes, mode: f.mode ?? "100644" };
}
function snapshotTeams(snap) {
  return { isMember: (team, login) => teamMembership(snap, team, login) === "yes" };
}
function loadCodeowners(base) {
  const text = (p) => {
    const f = base.get(p);
    return f ? new TextDecoder().decode(f.bytes) : void 0;
  };
  const found = locateCodeowners(text);
  if (!found) return { rules: [], errors: [] };
  return { ...parseCodeowners(found.text, found.path), path: found.path };
}

// schemas/snapshot.schema.json
var snapshot_schema_default = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://jit-access.dev/schemas/snapshot.schema.json",
  title: "jit-access decision snapshot (SPEC \xA76)",
  type: "object",
  required: ["now", "repository", "users", "teams", "base", "pull_request"],
  additionalProperties: false,
  properties: {
    now: { type: "string" },
    repository: {
      type: "object",
      required: ["owner", "name", "default_branch"],
      additionalProperties: false,
      properties: { owner: { type: "string" }, name: { type: "string" }, default_branch: { type: "string" } }
    },
    users: {
      type: "array",
      items: {
        type: "object",
        required: ["login", "id", "type", "permission"],
        additionalProperties: false,
        properties: {
          login: { type: "string" },
          id: { type: "integer" },
          type: { type: "string" },
          permission: { enum: ["admin", "maintain", "write", "triage", "read", "none"] }
        }
      }
    },
    teams: {
      type: "object",
      additionalProperties: {
        type: "object",
        required: ["members"],
        additionalProperties: false,
        properties: {
          members: { type: "array", items: { type: "string" } },
          pending: { type: "array", items: { type: "string" } }
        }
      }
    },
    base: {
      type: "object",
      required: ["sha", "files"],
      additionalProperties: false,
      properties: {
        sha: { type: "string" },
        files: {
          type: "object",
          additionalProperties: {
            anyOf: [
              { type: "string" },
              {
                type: "object",
                required: ["base64"],
                additionalProperties: false,
                properties: { base64: { type: "string" }, mode: { type: "string" } }
              }
            ]
          }
        }
      }
    },
    pull_request: {
      type: "object",
      required: ["number", "author", "base_ref", "head_sha", "files", "commits", "reviews"],
      additionalProperties: false,
      properties: {
        number: { type: "integer" },
        author: { $ref: "#/$defs/userRef" },
        base_ref: { type: "string" },
        head_sha: { type: "string" },
        files: {
          type: "array",
          items: {
            type: "object",
            required: ["path", "status"],
            additionalProperties: false,
            properties: {
              path: { type: "string" },
              status: { enum: ["added", "removed", "modified", "renamed"] },
              previous_path: { type: ["string", "null"] },
              mode: { type: "string" },
              content: { type: "string" },
              content_base64: { type: "string" }
            }
          }
        },
        commits: {
          type: "array",
          items: {
            type: "object",
            required: ["sha"],
            additionalProperties: false,
            properties: {
              sha: { type: "string" },
              author: { anyOf: [{ $ref: "#/$defs/userRef" }, { type: "null" }] },
              committer: { anyOf: [{ $ref: "#/$defs/userRef" }, { type: "null" }] }
            }
          }
        },
        reviews: {
          type: "array",
          items: {
            type: "object",
            required: ["id", "user", "state"],
            additionalProperties: false,
            properties: {
              id: { type: "integer" },
              user: { $ref: "#/$defs/userRef" },
              state: { enum: ["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"] },
              commit_id: { type: ["string", "null"] },
              submitted_at: { type: ["string", "null"] }
            }
          }
        }
      }
    }
  },
  $defs: {
    userRef: {
      anyOf: [
        { type: "string" },
        {
          type: "object",
          required: ["login"],
          additionalProperties: false,
          properties: { login: { type: "string" }, id: { type: "integer" } }
        }
      ]
    }
  }
};

// src/core/evaluate/validate-snapshot.ts
function validateSnapshot(data, path) {
  const validate = newAjv().compile(snapshot_schema_default);
  if (validate(data)) return { ok: true, value: data };
  return {
    ok: false,
    errors: describeSchemaErrors(validate.errors).map(
      ({ field, problem }) => `${path}: ${field || "(top level)"} ${problem}; see schemas/snapshot.schema.json.`
    )
  };
}

// src/cli/commands/simulate.ts
var SIMULATE_HELP = `jit simulate SNAPSHOT.json [--json] [--now RFC3339]

Evaluates a saved pull-request snapshot offline with the same code as the action (SPEC \xA76).
--now replaces the snapshot's clock to ask "what if it were evaluated then".
Exit: 0 approved or not applicable, 1 denied, 2 bad usage, 3 pending.`;
function simulateCommand(args, io) {
  const { values, positionals } = parse(
    "simulate",
    args,
    { json: COMMON.json, now: COMMON.now, help: COMMON.help },
    true
  );
  if (values.help) {
    io.out(SIMULATE_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1)
    throw new UsageError(
      "jit simulate: give exactly one snapshot file, e.g. `jit simulate snapshot.json`."
    );
  const file = resolve(io.cwd, positionals[0]);
  let data;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(
      `jit simulate: cannot read ${positionals[0]} as JSON: ${e.message}`
    );
  }
  const v = validateSnapshot(data, positionals[0]);
  if (!v.ok) throw new UsageError(v.errors.join("\n"));
  const snap = values.now !== void 0 ? { ...v.value, now: formatInstant(clock(io, values.now)) } : v.value;
  const d = evaluate(snap);
  if (values.json) {
    const { summary: _summary, ...rest } = d;
    io.out(
      JSON.stringify(
        { ...rest, grants: d.grants.map(({ grant: _g, previous: _p, ...g }) => g) },
        null,
        2
      )
    );
  } else {
    io.out(`verdict: ${d.verdict} (${d.summary})`);
    for (const e of d.errors) io.out(`  error ${e.code}: ${e.message}`);
    for (const g of d.grants) {
      io.out(`${g.path}: ${g.change}, ${g.verdict}`);
      for (const r of g.reasons) io.out(`  ${r.code}: ${r.message}`);
      for (const r of g.requirements) io.out(`  [${r.met ? "x" : " "}] ${r.code}: ${r.message}`);
      for (const i of g.ignored_reviews) io.out(`  ignored ${i.user}: ${i.code}`);
    }
  }
  return d.verdict === "denied" ? EXIT.findings : d.verdict === "pending" ? EXIT.pending : EXIT.ok;
}
export {
  SIMULATE_HELP,
  simulateCommand
};
