import { createRequire as __jitCreateRequire } from 'node:module'; const require = __jitCreateRequire(import.meta.url);
import {
  table
} from "./chunk-USSODB3L.js";
import {
  readTree
} from "./chunk-GAVMHO3U.js";
import {
  loadPolicies
} from "./chunk-B3ECCHGL.js";
import {
  COMMON,
  clock,
  formatInstant,
  formatSpan,
  loadGrants,
  loginKey,
  parse,
  parseGrantPath,
  rootDir
} from "./chunk-A3BRDDDL.js";
import {
  EXIT
} from "./chunk-IK6MJZGE.js";

// src/core/status.ts
function grantStatus(tree, now, filter = {}) {
  const policies = loadPolicies(tree);
  const report = { active: [], upcoming: [], expired: [], errors: [] };
  const { grants, failed } = loadGrants(
    tree,
    (s) => policies.get(s),
    (path) => filter.system === void 0 || systemOfPath(path) === filter.system
  );
  for (const f of failed) report.errors.push(...f.errors);
  for (const g of grants) {
    if (filter.subject !== void 0 && loginKey(g.subject) !== loginKey(filter.subject)) continue;
    const s = classify(g, now);
    report[s.state].push(s);
  }
  const byTime = (key) => (a, b) => key(a) - key(b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  report.active.sort(byTime((s) => s.expiresAt));
  report.upcoming.sort(byTime((s) => s.startsAt));
  report.expired.sort(byTime((s) => s.expiresAt));
  return report;
}
function classify(g, now) {
  const base = {
    path: g.path,
    system: g.system,
    role: g.role,
    subject: g.subject,
    requester: g.requester,
    ...g.ticket !== void 0 ? { ticket: g.ticket } : {},
    ...g.startsAt !== void 0 ? { startsAt: g.startsAt } : {},
    expiresAt: g.expiresAt
  };
  if (now >= g.expiresAt) return { state: "expired", ...base, spanMs: now - g.expiresAt };
  if (g.startsAt !== void 0 && now < g.startsAt) {
    return { state: "upcoming", ...base, spanMs: g.startsAt - now };
  }
  return { state: "active", ...base, spanMs: g.expiresAt - now };
}
function formatWindow(s) {
  const start = s.startsAt !== void 0 ? formatInstant(s.startsAt) : "once merged";
  return `${start} \u2192 ${formatInstant(s.expiresAt)}`;
}
function describeSpan(s) {
  const span = formatSpan(s.spanMs);
  if (s.state === "active") return `${span} left`;
  if (s.state === "upcoming") return `starts in ${span}`;
  return `expired ${span} ago`;
}
function systemOfPath(path) {
  const where = parseGrantPath(path);
  return where.ok ? where.value.system : path.split("/")[1];
}

// src/cli/commands/status.ts
var STATUS_HELP = `jit status [--system S] [--subject LOGIN] [--json] [--now RFC3339] [--root DIR]

Lists the grant files of the tree: active (starts_at <= now < expires_at, or no starts_at),
upcoming (now < starts_at) and expired but still present (expires_at <= now; \`jit expire\`
opens their removal pull request), with the time left, until start or since expiry.
Grant files that do not load are listed as errors at the end.
Exit: 0 listed, 1 some grant files did not load, 2 bad usage.`;
var OPTIONS = {
  ...COMMON,
  system: { type: "string" },
  subject: { type: "string" }
};
var GROUPS = [
  ["active", "Active", "left"],
  ["upcoming", "Upcoming", "starts in"],
  ["expired", "Expired but present", "expired for"]
];
function statusCommand(args, io) {
  const { values } = parse("status", args, OPTIONS);
  if (values.help) {
    io.out(STATUS_HELP);
    return EXIT.ok;
  }
  const now = clock(io, values.now);
  const filter = {
    ...values.system !== void 0 ? { system: values.system } : {},
    ...values.subject !== void 0 ? { subject: values.subject } : {}
  };
  const report = grantStatus(readTree(rootDir(io, values.root)), now, filter);
  if (values.json) {
    const json = (s) => ({
      path: s.path,
      system: s.system,
      role: s.role,
      subject: s.subject,
      requester: s.requester,
      ticket: s.ticket ?? null,
      starts_at: s.startsAt !== void 0 ? formatInstant(s.startsAt) : null,
      expires_at: formatInstant(s.expiresAt),
      span_seconds: Math.floor(s.spanMs / 1e3),
      span: describeSpan(s)
    });
    io.out(
      JSON.stringify(
        {
          now: formatInstant(now),
          active: report.active.map(json),
          upcoming: report.upcoming.map(json),
          expired: report.expired.map(json),
          errors: report.errors.map((f) => ({
            code: f.code,
            message: f.message,
            ...f.path ? { path: f.path } : {}
          }))
        },
        null,
        2
      )
    );
  } else {
    io.out(`Grants at ${formatInstant(now)}`);
    for (const [key, title, spanHeader] of GROUPS) {
      const list = report[key];
      io.out("");
      io.out(`${title} (${list.length})`);
      if (list.length === 0) continue;
      io.out(
        table(
          ["subject", "system/role", "window", spanHeader, "file"],
          list.map((s) => [
            s.subject,
            `${s.system}/${s.role}`,
            formatWindow(s),
            formatSpan(s.spanMs),
            s.path
          ])
        )
      );
    }
    if (report.expired.length > 0) {
      io.out("");
      io.out(
        `note     ${report.expired.length} expired grant(s) are still present; \`jit expire\` opens the pull request that removes them.`
      );
    }
    for (const f of report.errors) io.out(`error    ${f.code.padEnd(20)} ${f.message}`);
    if (report.errors.length > 0) {
      io.out(`${report.errors.length} grant file(s) did not load; run \`jit check\` for details.`);
    }
  }
  return report.errors.length > 0 ? EXIT.findings : EXIT.ok;
}
export {
  STATUS_HELP,
  statusCommand
};
