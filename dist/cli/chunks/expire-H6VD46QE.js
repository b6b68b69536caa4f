import { createRequire as __jitCreateRequire } from 'node:module'; const require = __jitCreateRequire(import.meta.url);
import {
  checkTree
} from "./chunk-AKI2A6X7.js";
import "./chunk-KX2J3E7P.js";
import {
  parseTrailers
} from "./chunk-HZ3PEPR7.js";
import {
  table
} from "./chunk-USSODB3L.js";
import {
  readTree
} from "./chunk-GAVMHO3U.js";
import "./chunk-B3ECCHGL.js";
import {
  COMMON,
  clock,
  formatInstant,
  formatSpan,
  parse,
  rootDir
} from "./chunk-A3BRDDDL.js";
import {
  EXIT
} from "./chunk-IK6MJZGE.js";

// src/jobs/expire/origin.ts
import { execFileSync } from "node:child_process";
function originalPullRequests(dir, paths) {
  const out = /* @__PURE__ */ new Map();
  if (paths.length === 0) return out;
  const git = (args) => execFileSync("git", ["-C", dir, ...args], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    stdio: ["ignore", "pipe", "ignore"]
  });
  let log;
  try {
    if (git(["rev-parse", "--is-shallow-repository"]).trim() === "true") return out;
    log = git([
      "log",
      "--first-parent",
      "--diff-merges=first-parent",
      "--no-renames",
      "--diff-filter=A",
      "--format=%x1e%s%x1f%B%x1f",
      "--name-only",
      "--",
      "grants/"
    ]);
  } catch {
    return out;
  }
  const wanted = new Set(paths);
  const seen = /* @__PURE__ */ new Set();
  for (const record of log.split("")) {
    const [subject = "", body = "", names = ""] = record.split("");
    const pr = prNumber(subject, body);
    for (const name of names.split("\n")) {
      const p = name.trim();
      if (!wanted.has(p) || seen.has(p)) continue;
      seen.add(p);
      if (pr !== void 0) out.set(p, pr);
    }
  }
  return out;
}
function prNumber(subject, body) {
  const t = parseTrailers(body).pr;
  if (t !== void 0) return t;
  const m = /\(#([0-9]{1,9})\)\s*$/.exec(subject) ?? /^Merge pull request #([0-9]{1,9}) /.exec(subject);
  return m ? Number(m[1]) : void 0;
}

// src/jobs/expire/plan.ts
var EXPIRED_LABEL = "jit:expired";
var BRANCH_PREFIX = "jit/expire/";
function planExpiry(input) {
  const { now } = input;
  const covered = /* @__PURE__ */ new Map();
  for (const pr of [...input.openRemovalPrs].sort((a, b) => a.number - b.number))
    for (const p of pr.paths) if (!covered.has(p)) covered.set(p, pr.number);
  const remove = [];
  const skipped = [];
  for (const e of input.loadErrors) {
    const codes = [...new Set(e.findings.map((f) => f.code))].join(", ") || "unreadable";
    skipped.push({
      path: e.path,
      kind: "load-error",
      reason: `does not load (${codes}); left alone, never deleted blindly. Fix or remove it by hand (\`jit check\` explains).`
    });
  }
  for (const g of input.grants) {
    if (now < g.expiresAt) continue;
    const pr = covered.get(g.path);
    if (pr !== void 0) {
      skipped.push({
        path: g.path,
        kind: "in-open-removal",
        reason: `already removed by the open removal pull request #${pr}.`
      });
      continue;
    }
    if (input.blobs) {
      const tip = input.blobs.tip.get(g.path);
      if (tip === void 0) {
        skipped.push({
          path: g.path,
          kind: "gone",
          reason: "already gone from the default branch."
        });
        continue;
      }
      if (tip !== input.blobs.checkout.get(g.path)) {
        skipped.push({
          path: g.path,
          kind: "changed",
          reason: "changed on the default branch since the checkout this run read; the next run plans it again."
        });
        continue;
      }
    }
    remove.push({
      path: g.path,
      subject: g.subject,
      system: g.system,
      role: g.role,
      expiresAt: g.expiresAt
    });
  }
  remove.sort((a, b) => cmp(a.path, b.path));
  skipped.sort((a, b) => cmp(a.path, b.path));
  const close = [];
  for (const pr of input.openRequestPrs) {
    if (pr.labels.some((l) => l.toLowerCase() === EXPIRED_LABEL)) continue;
    const c = closeReasons(pr, now, input.requestTtlMs);
    if (c) close.push(c);
  }
  close.sort((a, b) => a.number - b.number);
  return { remove, skipped, close, branch: branchName(now) };
}
function closeReasons(pr, now, ttl) {
  const kinds = [];
  const reasons = [];
  const age = now - pr.createdAt;
  if (pr.status !== "success" && age > ttl) {
    const state = pr.status === "missing" ? "without a verdict" : pr.status === "pending" ? "pending" : "denied";
    kinds.push("stale");
    reasons.push(
      `it has been open ${state} for ${formatSpan(age)}, longer than the request-ttl of ${formatSpan(ttl)}.`
    );
  }
  const passed = (pr.grants ?? []).filter((g) => g.expiresAt !== void 0 && now >= g.expiresAt);
  if (passed.length > 0) {
    kinds.push("window-passed");
    const list = passed.map((g) => `${g.path} (expires_at ${formatInstant(g.expiresAt)})`);
    reasons.push(`the requested window has passed: ${list.join(", ")}.`);
  }
  if (kinds.length === 0) return void 0;
  const grants = (pr.grants ?? []).map((g) => ({
    path: g.path,
    ...g.role !== void 0 ? { role: g.role } : {}
  }));
  return { number: pr.number, kinds, reasons, grants };
}
function branchName(now) {
  const iso = formatInstant(now);
  return `${BRANCH_PREFIX}${iso.replace(/[-:]/g, "")}`;
}
var cmp = (a, b) => a < b ? -1 : a > b ? 1 : 0;

// src/cli/commands/expire.ts
var EXPIRE_HELP = `jit expire [--dry-run] [--json] [--now RFC3339] [--root DIR]

Plans the removal of expired grants (now >= expires_at) from the working tree: what one removal
pull request (branch jit/expire/<UTC timestamp>, label jit:expired) would delete, and the grant
files that do not load, which are left alone and never deleted blindly.

Offline the command only plans (--dry-run is implied): it cannot see open pull requests, so
grants already in an open removal pull request are listed too, and stale access requests are
not considered. The action's \`command: expire\` opens the pull request and closes stale requests.
Exit: 0 planned, 2 bad usage.`;
var OPTIONS = { ...COMMON, "dry-run": { type: "boolean" } };
function expireCommand(args, io) {
  const { values } = parse("expire", args, OPTIONS);
  if (values.help) {
    io.out(EXPIRE_HELP);
    return EXIT.ok;
  }
  const now = clock(io, values.now);
  const root = rootDir(io, values.root);
  const tree = readTree(root);
  const check = checkTree(tree, now);
  const loaded = new Set(check.loaded.map((g) => g.path));
  const loadErrors = [...tree.keys()].filter((p) => p.startsWith("grants/") && !loaded.has(p)).map((path) => ({ path, findings: check.errors.filter((f) => f.path === path) }));
  const plan = planExpiry({
    grants: check.loaded,
    loadErrors,
    openRemovalPrs: [],
    openRequestPrs: [],
    now,
    requestTtlMs: 0
  });
  const origins = originalPullRequests(
    root,
    plan.remove.map((r) => r.path)
  );
  if (values.json) {
    io.out(
      JSON.stringify(
        {
          now: formatInstant(now),
          branch: plan.branch,
          remove: plan.remove.map((r) => ({
            path: r.path,
            subject: r.subject,
            system: r.system,
            role: r.role,
            expires_at: formatInstant(r.expiresAt),
            granted_in: origins.get(r.path) ?? null
          })),
          skipped: plan.skipped,
          errors: loadErrors.flatMap(
            (e) => e.findings.map((f) => ({ code: f.code, message: f.message, path: e.path }))
          )
        },
        null,
        2
      )
    );
    return EXIT.ok;
  }
  io.out(`Expiry plan at ${formatInstant(now)} (offline: open pull requests are not known)`);
  io.out("");
  if (plan.remove.length === 0) io.out("No expired grant to remove.");
  else {
    io.out(
      `One removal pull request (${plan.branch}, label jit:expired) would delete ${plan.remove.length} expired grant(s):`
    );
    io.out(
      table(
        ["grant", "subject", "role", "expired at", "granted in"],
        plan.remove.map((r) => [
          r.path,
          r.subject,
          `${r.system}/${r.role}`,
          formatInstant(r.expiresAt),
          origins.has(r.path) ? `#${origins.get(r.path)}` : "-"
        ])
      )
    );
  }
  if (plan.skipped.length > 0) {
    io.out("");
    io.out(`Left alone (${plan.skipped.length}):`);
    for (const s of plan.skipped) io.out(`  ${s.path}: ${s.reason}`);
    for (const e of loadErrors)
      for (const f of e.findings) io.out(`error    ${f.code.padEnd(20)} ${f.message}`);
  }
  io.out("");
  io.out(
    "Nothing was changed. The scheduled action (command: expire) opens the pull request; run `jit check` for the full report."
  );
  return EXIT.ok;
}
export {
  EXPIRE_HELP,
  expireCommand
};
