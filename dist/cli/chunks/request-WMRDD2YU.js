import { createRequire as __jitCreateRequire } from 'node:module'; const require = __jitCreateRequire(import.meta.url);
import {
  checkTree
} from "./chunk-AKI2A6X7.js";
import {
  isTeam,
  locateCodeowners,
  ownersFor,
  parseCodeowners
} from "./chunk-KX2J3E7P.js";
import {
  readTree
} from "./chunk-GAVMHO3U.js";
import {
  loadPolicies
} from "./chunk-B3ECCHGL.js";
import {
  COMMON,
  GRANT_NAME,
  STANDARD_GRANT_FIELDS,
  clock,
  formatInstant,
  loginKey,
  parse,
  parseDuration,
  parseInstant,
  require_dist,
  rootDir
} from "./chunk-A3BRDDDL.js";
import {
  EXIT,
  UsageError,
  __toESM
} from "./chunk-IK6MJZGE.js";

// src/cli/commands/request.ts
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

// src/core/request.ts
var import_yaml = __toESM(require_dist(), 1);
var GRANT_SCHEMA_COMMENT = "# yaml-language-server: $schema=../../schemas/grant.schema.json";
function draftGrant(req, taken) {
  const from = Math.max(req.now, req.start ?? req.now);
  const expiresAt = from + req.durationMs;
  const subject = req.subject ?? req.requester;
  const base = grantBaseName(subject, req.role, req.ticket, from);
  let path = `grants/${req.system}/${base}.yaml`;
  for (let n = 2; taken(path); n++) path = `grants/${req.system}/${base}-${n}.yaml`;
  const pairs = [["requester", req.requester]];
  if (req.subject !== void 0 && req.subject !== req.requester) {
    pairs.push(["subject", req.subject]);
  }
  pairs.push(["role", req.role]);
  if (req.ticket !== void 0) pairs.push(["ticket", req.ticket]);
  pairs.push(["justification", req.justification], ...req.fields);
  if (req.start !== void 0) pairs.push(["starts_at", formatInstant(req.start)]);
  pairs.push(["expires_at", formatInstant(expiresAt)]);
  return {
    path,
    content: `${GRANT_SCHEMA_COMMENT}
${renderGrantYaml(pairs)}`,
    ...req.start !== void 0 ? { startsAt: req.start } : {},
    expiresAt
  };
}
var BASE_MAX = 120;
function grantBaseName(subject, role, ticket, start) {
  const tail = ticket ?? formatInstant(start).slice(0, 10);
  const name = `${subject}-${role}-${tail}`.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/-{2,}/g, "-").replace(/^[^a-z0-9]+/, "").slice(0, BASE_MAX).replace(/[-._]+$/, "");
  return GRANT_NAME.test(name) ? name : "grant";
}
var PLAIN_SAFE = /^[A-Za-z][A-Za-z0-9_-]*$/;
var YAML_KEYWORDS = /* @__PURE__ */ new Set(["y", "yes", "n", "no", "true", "false", "on", "off", "null"]);
var isPlainSafe = (s) => PLAIN_SAFE.test(s) && !YAML_KEYWORDS.has(s.toLowerCase());
function renderGrantYaml(pairs) {
  const doc = new import_yaml.Document();
  const map = new import_yaml.YAMLMap();
  const scalar = (s) => {
    const node = new import_yaml.Scalar(s);
    node.type = isPlainSafe(s) ? "PLAIN" : "QUOTE_DOUBLE";
    return node;
  };
  for (const [k, v] of pairs) map.items.push(doc.createPair(scalar(k), scalar(v)));
  doc.contents = map;
  return doc.toString({ lineWidth: 0, doubleQuotedAsJSON: true });
}

// src/cli/commands/request.ts
var REQUEST_HELP = `jit request --system S --role R --for DURATION --justification TEXT
            [--subject LOGIN] [--requester LOGIN] [--ticket T] [--start RFC3339]
            [--field key=value ...] [--dry-run] [--json] [--now RFC3339] [--root DIR]

Writes grants/<system>/<subject>-<role>-<ticket>.yaml (or \u2026-<start date>.yaml without a ticket;
-2, -3, \u2026 when the name is taken), after validating it exactly as \`jit check\` would, and prints
it with the next steps. expires_at is max(now, --start) plus --for (<n>m, <n>h or <n>d).
--requester defaults to $JIT_REQUESTER, then \`git config github.user\`. --field sets a field the
policy's grant_schema declares (e.g. --field cost_center=CC-1234).
Exit: 0 written (or printed with --dry-run), 1 the grant would be refused (nothing written),
2 bad usage.`;
var OPTIONS = {
  ...COMMON,
  system: { type: "string" },
  role: { type: "string" },
  for: { type: "string" },
  subject: { type: "string" },
  requester: { type: "string" },
  ticket: { type: "string" },
  justification: { type: "string" },
  start: { type: "string" },
  field: { type: "string", multiple: true },
  "dry-run": { type: "boolean" }
};
function requestCommand(args, io) {
  const { values } = parse("request", args, OPTIONS);
  if (values.help) {
    io.out(REQUEST_HELP);
    return EXIT.ok;
  }
  const now = clock(io, values.now);
  const root = rootDir(io, values.root);
  const req = readRequest(values, io, root, now);
  const tree = readTree(root);
  const draft = draftGrant(req, (p) => tree.has(p) || existsSync(join(root, p)));
  const findings = validateDraft(tree, draft, now);
  if (findings.mine.length > 0) return refuse(io, draft, findings.mine, values.json === true);
  const dryRun = values["dry-run"] === true;
  if (!dryRun) {
    const abs = join(root, draft.path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, draft.content, { encoding: "utf8", flag: "wx" });
  }
  const role = policyRole(tree, req.system, req.role);
  const owners = codeOwners(tree, draft.path);
  if (values.json) {
    const { approvers, approvals } = role;
    const doc = { path: draft.path, content: draft.content, approvers, approvals };
    io.out(JSON.stringify({ ...doc, code_owners: owners, written: !dryRun }, null, 2));
    return EXIT.ok;
  }
  io.out(dryRun ? `Would write ${draft.path} (dry run: nothing written):` : `Wrote ${draft.path}:`);
  io.out("");
  io.out(draft.content.trimEnd());
  io.out("");
  io.out(nextSteps(draft, req, role, owners).join("\n"));
  if (findings.others > 0) {
    io.out(
      `note     the tree has ${findings.others} other error(s) unrelated to this request; \`jit check\` lists them.`
    );
  }
  return EXIT.ok;
}
function readRequest(values, io, root, now) {
  const need = (name, example) => {
    const v = values[name];
    if (v === void 0 || v.trim() === "") {
      throw new UsageError(`jit request: --${name} is required, e.g. --${name} ${example}.`);
    }
    return v;
  };
  const system = need("system", "coupa");
  const role = need("role", "invoice-approver");
  const forText = need("for", "4h");
  const justification = need("justification", '"Approve the Q4 invoices of vendor ACME"');
  const durationMs = parseDuration(forText);
  if (durationMs === void 0) {
    throw new UsageError(
      `jit request: --for "${forText}" is not a duration; use <n>m, <n>h or <n>d, e.g. --for 4h.`
    );
  }
  let start;
  if (values.start !== void 0) {
    const t = parseInstant(values.start);
    if (!t.ok) throw new UsageError(`jit request: --start "${values.start}" ${t.why}.`);
    start = t.ms;
  }
  const fields = parseFields(values.field ?? []);
  return {
    system,
    role,
    requester: resolveRequester(io, root, values.requester),
    ...values.subject !== void 0 ? { subject: values.subject } : {},
    ...values.ticket !== void 0 ? { ticket: values.ticket } : {},
    justification,
    ...start !== void 0 ? { start } : {},
    durationMs,
    fields,
    now
  };
}
function parseFields(list) {
  const out = [];
  for (const item of list) {
    const eq = item.indexOf("=");
    if (eq <= 0) {
      throw new UsageError(
        `jit request: --field "${item}" is not key=value; write e.g. --field cost_center=CC-1234.`
      );
    }
    const key = item.slice(0, eq);
    if (STANDARD_GRANT_FIELDS.includes(key)) {
      const option = key === "starts_at" ? "start" : key === "expires_at" ? "for" : key;
      throw new UsageError(`jit request: --field ${key}=\u2026 is a standard field; use --${option}.`);
    }
    if (out.some(([k]) => k === key)) {
      throw new UsageError(`jit request: --field ${key} is given twice; give it once.`);
    }
    out.push([key, item.slice(eq + 1)]);
  }
  return out;
}
function resolveRequester(io, root, flag) {
  const given = flag ?? io.env.JIT_REQUESTER;
  if (given !== void 0 && given.trim() !== "") return given.trim();
  const fromGit = gitConfigUser(io, root);
  if (fromGit) return fromGit;
  throw new UsageError(
    "jit request: who is asking? Pass --requester <your GitHub login>, set JIT_REQUESTER, or run `git config github.user <login>`; the requester must be the author of the pull request."
  );
}
function gitConfigUser(io, root) {
  try {
    const out = execFileSync("git", ["config", "--get", "github.user"], {
      cwd: root,
      env: io.env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 5e3
    });
    return out.trim() || void 0;
  } catch {
    return void 0;
  }
}
function validateDraft(tree, draft, now) {
  const candidate = new Map(tree);
  candidate.set(draft.path, {
    path: draft.path,
    bytes: new TextEncoder().encode(draft.content),
    mode: "100644"
  });
  const report = checkTree(candidate, now);
  const mine = report.errors.filter((f) => f.path === draft.path);
  return { mine, others: report.errors.length - mine.length };
}
function refuse(io, draft, errors, json) {
  if (json) {
    io.out(
      JSON.stringify(
        {
          path: draft.path,
          content: draft.content,
          errors: errors.map((f) => ({ code: f.code, message: f.message, path: f.path })),
          written: false
        },
        null,
        2
      )
    );
  } else {
    for (const f of errors) io.out(`error    ${f.code.padEnd(20)} ${f.message}`);
    io.out(`Refused: ${draft.path} would not pass \`jit check\`; nothing was written.`);
  }
  return EXIT.findings;
}
function policyRole(tree, system, role) {
  const policy = loadPolicies(tree).get(system);
  return policy?.ok ? policy.value.roles.get(role) : void 0;
}
function codeOwners(tree, path) {
  const decoder = new TextDecoder();
  const found = locateCodeowners((p) => {
    const f = tree.get(p);
    return f ? decoder.decode(f.bytes) : void 0;
  });
  if (!found) return [];
  return ownersFor(parseCodeowners(found.text, found.path).rules, path).owners;
}
function nextSteps(draft, req, role, owners) {
  const branch = `jit/${draft.path.slice("grants/".length, -".yaml".length)}`;
  const until = formatInstant(draft.expiresAt);
  const who = { ...req, subject: req.subject ?? req.requester };
  const others = who.subject === who.requester ? who.requester : `${who.requester} and ${who.subject}`;
  const approval = role.approvals === 0 ? `no approvals by policy ${who.system} role ${who.role} (self-service)` : `${role.approvals} approval(s) from ${role.approvers.join(", ")} (reviewers other than ${others})`;
  const codeowner = owners.length > 0 ? `, plus one code owner of the file (${owners.join(", ")})` : ", and no code owner";
  const lines = [
    "Next steps:",
    `  git switch -c ${branch}`,
    `  git add ${draft.path}`,
    `  git commit -m "Request ${who.system}/${who.role} for ${who.subject} until ${until}"`,
    `  git push -u origin ${branch}`,
    `  then open a pull request from ${branch} as ${who.requester} (e.g. gh pr create --fill).`,
    "",
    `Approval: ${approval}${codeowner}.`
  ];
  const teams = role.requesters?.filter(isTeam) ?? [];
  const listed = role.requesters?.some((r) => !isTeam(r) && loginKey(r) === loginKey(who.subject));
  if (teams.length > 0 && !listed) {
    lines.push(
      `Eligibility: ${who.subject} must be an active member of ${teams.join(" or ")}; the gate verifies it on the pull request.`
    );
  }
  return lines;
}
export {
  REQUEST_HELP,
  requestCommand
};
