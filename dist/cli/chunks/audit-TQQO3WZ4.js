import { createRequire as __jitCreateRequire } from 'node:module'; const require = __jitCreateRequire(import.meta.url);
import {
  HistoryInputError,
  auditEvents,
  filterEvents,
  loadHistory,
  shallowMessage,
  shortSha,
  verifyProvenance
} from "./chunk-JPKJ7LSH.js";
import "./chunk-HZ3PEPR7.js";
import {
  table
} from "./chunk-USSODB3L.js";
import "./chunk-W5BYYMIN.js";
import {
  COMMON,
  parse,
  parseInstant,
  rootDir
} from "./chunk-A3BRDDDL.js";
import {
  EXIT,
  UsageError
} from "./chunk-IK6MJZGE.js";

// src/cli/commands/audit.ts
var AUDIT_HELP = `jit audit [--since DATE] [--until DATE] [--subject LOGIN] [--system S]
          [--json | --csv] [--verify] [--ref REF] [--root DIR]

The audit trail, from git history alone (no GitHub API): one event per grant change on the
first-parent history of REF (default HEAD; check out the default branch, with full history),
oldest first: granted, extended, narrowed, revoked or expired, with time, commit, path, subject,
role, requester, approvers (from the Jit-* trailers the gate writes into its merges; "(unknown)"
when the commit has none), ticket and pull request.

  --since DATE, --until DATE  RFC 3339 (2026-12-04T12:00:00Z) or a UTC day (2026-12-04); both
                              inclusive (--until 2026-12-04 includes that whole day)
  --subject LOGIN, --system S only events of that subject / system
  --json                      one document { head, verified, events, findings }
  --csv                       RFC 4180 with a header row (spreadsheet-safe cells)
  --verify                    every grant on REF must have arrived through an approved merge;
                              the others are E_PROVENANCE findings (never filtered), exit 1
Exit: 0 listed (and verified), 1 E_PROVENANCE findings, 2 bad usage or not a git repository.`;
var OPTIONS = {
  ...COMMON,
  since: { type: "string" },
  until: { type: "string" },
  subject: { type: "string" },
  system: { type: "string" },
  csv: { type: "boolean" },
  verify: { type: "boolean" },
  ref: { type: "string" }
};
async function auditCommand(args, io) {
  const { values } = parse("audit", args, OPTIONS);
  if (values.help) {
    io.out(AUDIT_HELP);
    return EXIT.ok;
  }
  if (values.json && values.csv) {
    throw new UsageError("jit audit: --json and --csv exclude each other; choose one.");
  }
  const filter = eventFilter(values);
  const root = rootDir(io, values.root);
  const verify = values.verify === true;
  let history;
  try {
    history = await loadHistory(root, values.ref ?? "HEAD", { withTree: verify });
  } catch (e) {
    if (e instanceof HistoryInputError) throw new UsageError(`jit audit: ${e.message}`);
    throw e;
  }
  if (history.shallow) {
    if (verify) throw new UsageError(`jit audit --verify: ${shallowMessage(root)}`);
    io.err(`warning  ${shallowMessage(root)} Events before the boundary are missing.`);
  }
  const events = filterEvents(auditEvents(history), filter);
  const verified = verify ? verifyProvenance(history, history.tree) : void 0;
  const findings = verified?.findings ?? [];
  if (values.json) {
    io.out(JSON.stringify({ head: history.head, verified: verify, events, findings }, null, 2));
  } else if (values.csv) {
    io.out(`${toCsv(events)}\r`);
    for (const f of findings) io.err(findingLine(f));
  } else {
    printTable(io, history, events);
    if (verified) {
      io.out("");
      for (const f of findings) io.out(findingLine(f));
      const n = verified.provenance.size;
      io.out(
        findings.length === 0 ? `verify: ok, all ${n} grant(s) on ${shortHead(history)} arrived through approved merges` : `verify: ${findings.length} of ${n} grant(s) on ${shortHead(history)} did not arrive through an approved merge (E_PROVENANCE)`
      );
    }
  }
  return findings.length > 0 ? EXIT.findings : EXIT.ok;
}
function eventFilter(values) {
  const f = {};
  if (values.since !== void 0) f.since = parseDate("since", values.since, false);
  if (values.until !== void 0) f.until = parseDate("until", values.until, true);
  if (f.since !== void 0 && f.until !== void 0 && f.since >= f.until) {
    throw new UsageError(
      `jit audit: --since ${values.since} is not before --until ${values.until}; swap them or widen the range.`
    );
  }
  if (values.subject !== void 0) f.subject = values.subject;
  if (values.system !== void 0) f.system = values.system;
  return f;
}
var DAY_MS = 864e5;
function parseDate(name, text, isUntil) {
  const day = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text);
  const t = parseInstant(day ? `${text}T00:00:00Z` : text);
  if (!t.ok) {
    throw new UsageError(
      `jit audit: --${name} "${text}" ${day ? t.why.replace("is not", "is not a day or") : t.why}; use an RFC 3339 time or a day like 2026-12-04.`
    );
  }
  if (!isUntil) return t.ms;
  return day ? t.ms + DAY_MS : t.ms + 1;
}
var shortHead = (h) => h.head ? shortSha(h.head) : "an empty repository";
function approversText(a, empty) {
  if (a === null) return "(unknown)";
  return a.length === 0 ? empty : a.join(" ");
}
function printTable(io, history, events) {
  io.out(`Audit trail of ${shortHead(history)}: ${events.length} event(s)`);
  if (events.length === 0) return;
  io.out(
    table(
      [
        "time",
        "event",
        "path",
        "subject",
        "role",
        "requester",
        "approvers",
        "ticket",
        "pr",
        "commit",
        "notes"
      ],
      events.map((e) => [
        e.time,
        e.event,
        e.path,
        e.subject ?? "",
        e.role ?? "",
        e.requester ?? "",
        approversText(e.approvers, "-"),
        e.ticket ?? "",
        e.pull_request !== null ? `#${e.pull_request}` : "",
        shortSha(e.commit),
        e.notes.join("; ")
      ])
    )
  );
}
function findingLine(f) {
  return `error    ${f.code.padEnd(20)} ${f.message}`;
}
var CSV_COLUMNS = [
  "time",
  "commit",
  "event",
  "path",
  "system",
  "subject",
  "role",
  "requester",
  "approvers",
  "ticket",
  "starts_at",
  "expires_at",
  "pull_request",
  "policy",
  "decision",
  "author",
  "notes"
];
function toCsv(events) {
  const rows = [CSV_COLUMNS.map(csvCell).join(",")];
  for (const e of events) {
    const cells = {
      time: e.time,
      commit: e.commit,
      event: e.event,
      path: e.path,
      system: e.system,
      subject: e.subject ?? "",
      role: e.role ?? "",
      requester: e.requester ?? "",
      approvers: approversText(e.approvers, ""),
      ticket: e.ticket ?? "",
      starts_at: e.starts_at ?? "",
      expires_at: e.expires_at ?? "",
      pull_request: e.pull_request !== null ? String(e.pull_request) : "",
      policy: e.policy ?? "",
      decision: e.decision ?? "",
      author: e.author,
      notes: e.notes.join("; ")
    };
    rows.push(CSV_COLUMNS.map((c) => csvCell(cells[c])).join(","));
  }
  return rows.join("\r\n");
}
function csvCell(value) {
  const v = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
export {
  AUDIT_HELP,
  CSV_COLUMNS,
  auditCommand,
  csvCell,
  parseDate,
  toCsv
};
