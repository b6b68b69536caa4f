import { createRequire as __jitCreateRequire } from 'node:module'; const require = __jitCreateRequire(import.meta.url);
import {
  parseTrailers
} from "./chunk-HZ3PEPR7.js";
import {
  changedIdentity,
  isNarrowing
} from "./chunk-W5BYYMIN.js";
import {
  GRANT_MAX_BYTES,
  GRANT_MAX_DEPTH,
  decodeFile,
  formatInstant,
  loginKey,
  parseGrantPath,
  parseInstant,
  parseStrictYaml
} from "./chunk-A3BRDDDL.js";

// src/audit/git-run.ts
import { spawn } from "node:child_process";
var GitError = class extends Error {
  constructor(message, stderr, code) {
    super(message);
    this.stderr = stderr;
    this.code = code;
  }
  stderr;
  code;
};
var GIT_PREFIX = ["-c", "log.showSignature=false", "-c", "core.quotePath=false"];
function spawnGit(cwd, args, onStdout, okCodes = []) {
  const child = spawn("git", ["--literal-pathspecs", ...GIT_PREFIX, ...args], {
    cwd,
    env: { ...process.env, LC_ALL: "C", GIT_TERMINAL_PROMPT: "0", GIT_PAGER: "cat" },
    stdio: ["pipe", "pipe", "pipe"]
  });
  child.stdin.on("error", () => {
  });
  const done = new Promise((resolve, reject) => {
    const err = [];
    let errBytes = 0;
    child.stdout.on("data", onStdout);
    child.stderr.on("data", (c) => {
      if (errBytes < 64 * 1024) err.push(c);
      errBytes += c.length;
    });
    child.on(
      "error",
      (e) => reject(new GitError(`cannot run git (${e.message}); install git and retry`, "", null))
    );
    child.on("close", (code) => {
      const stderr = Buffer.concat(err).toString("utf8").trim();
      if (code === 0 || code !== null && okCodes.includes(code)) resolve(code);
      else
        reject(
          new GitError(
            `git ${args[0]} failed (exit ${code}): ${stderr.split("\n")[0]}`,
            stderr,
            code
          )
        );
    });
  });
  return { stdin: child.stdin, done };
}
function runGit(cwd, args, run) {
  const p = spawnGit(cwd, args, run.onStdout, run.okCodes);
  p.stdin.end(run.stdin ?? "");
  return p.done;
}
async function gitText(cwd, args, okCodes = []) {
  const chunks = [];
  const code = await runGit(cwd, args, { onStdout: (c) => chunks.push(c), okCodes });
  return { code, stdout: Buffer.concat(chunks).toString("utf8") };
}

// src/audit/git-blobs.ts
function startBlobReader(root, maxBytes) {
  const out = /* @__PURE__ */ new Map();
  const asked = /* @__PURE__ */ new Set();
  const parser = createBatchParser(maxBytes, (sha, content) => out.set(sha, content));
  const git = spawnGit(root, ["cat-file", "--batch", "--buffer"], (c) => parser.push(c));
  let pending = [];
  const flush = () => {
    if (pending.length > 0) git.stdin.write(`${pending.join("\n")}
`);
    pending = [];
  };
  return {
    /** Asks for a blob (each id once). */
    want(sha) {
      if (asked.has(sha)) return;
      asked.add(sha);
      pending.push(sha);
      if (pending.length >= 512) flush();
    },
    /** Closes the request list and waits for every answer. */
    async finish() {
      flush();
      git.stdin.end();
      await git.done;
      parser.end();
      return out;
    },
    /** Stops the process when the caller gives up (an error elsewhere). */
    abort() {
      git.stdin.end();
    }
  };
}
function createBatchParser(maxBytes, onBlob) {
  let pending = Buffer.alloc(0);
  let current = null;
  return {
    push(chunk) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (; ; ) {
        if (current) {
          const take = Math.min(current.left, pending.length);
          if (current.keep && take > 0) current.kept.push(pending.subarray(0, take));
          current.left -= take;
          pending = pending.subarray(take);
          if (current.left > 0) return;
          if (current.blob) {
            const bytes = current.keep ? Buffer.concat(current.kept).subarray(0, current.size) : null;
            onBlob(current.sha, { size: current.size, bytes });
          }
          current = null;
        }
        const nl = pending.indexOf(10);
        if (nl === -1) return;
        const header = pending.subarray(0, nl).toString("utf8");
        pending = pending.subarray(nl + 1);
        const m = /^([0-9a-f]{40,64}) ([a-z]+) ([0-9]+)$/.exec(header);
        if (!m) {
          if (/^[0-9a-f]{40,64} missing$/.test(header)) continue;
          throw new Error(
            `git cat-file: unexpected header ${JSON.stringify(header.slice(0, 100))}`
          );
        }
        const size = Number(m[3]);
        const blob = m[2] === "blob";
        current = {
          sha: m[1],
          blob,
          size,
          kept: [],
          keep: blob && size <= maxBytes,
          left: size + 1
        };
      }
    },
    end() {
      if (current || pending.length > 0) throw new Error("git cat-file: output ended mid-object");
    }
  };
}

// src/audit/git-log.ts
import { randomBytes } from "node:crypto";
import { StringDecoder } from "node:string_decoder";
var FIELDS = ["%H", "%P", "%at", "%ct", "%an <%ae>", "%cn <%ce>", "%B"];
function gitLogArgs(sha, mark) {
  const format = `%x00${mark}%x00${FIELDS.join("%x00")}%x00`;
  return [
    "log",
    "--first-parent",
    "--reverse",
    "--root",
    "--diff-merges=first-parent",
    "-M",
    "--raw",
    "--no-abbrev",
    "-z",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    `--format=${format}`,
    sha,
    "--",
    "grants/"
  ];
}
async function readLog(root, sha, onCommit) {
  const mark = `JIT-AUDIT-${randomBytes(12).toString("hex")}`;
  const parser = createLogParser(mark, onCommit);
  const decoder = new StringDecoder("utf8");
  await runGit(root, gitLogArgs(sha, mark), { onStdout: (c) => parser.push(decoder.write(c)) });
  parser.push(decoder.end());
  parser.end();
}
function createLogParser(mark, onCommit) {
  const sep = `\0${mark}\0`;
  let buf = "";
  let scanFrom = sep.length;
  const flush = (record) => onCommit(parseRecord(record));
  return {
    push(text) {
      buf += text;
      for (; ; ) {
        const at = buf.indexOf(sep, scanFrom);
        if (at === -1) {
          scanFrom = Math.max(sep.length, buf.length - sep.length + 1);
          return;
        }
        if (!buf.startsWith(sep)) throw new Error("git log: output does not start with a record");
        flush(buf.slice(sep.length, at));
        buf = buf.slice(at);
        scanFrom = sep.length;
      }
    },
    end() {
      if (buf === "") return;
      if (!buf.startsWith(sep)) throw new Error("git log: output does not start with a record");
      flush(buf.slice(sep.length));
      buf = "";
    }
  };
}
var RAW = /^\n?:([0-7]{6}) ([0-7]{6}) ([0-9a-f]{40,64}) ([0-9a-f]{40,64}) ([A-Z])([0-9]*)$/;
function parseRecord(record) {
  const tokens = record.split("\0");
  if (tokens.length < FIELDS.length) {
    throw new Error(`git log: a record has ${tokens.length} fields, expected ${FIELDS.length}`);
  }
  const [sha, parents, at, ct, author, committer, message] = tokens;
  const changes = [];
  for (let i = FIELDS.length; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === "" || t === "\n") continue;
    const m = RAW.exec(t);
    if (!m) throw new Error(`git log: unexpected raw diff entry ${JSON.stringify(t.slice(0, 80))}`);
    const [, oldMode, newMode, oldBlob, newBlob, letter] = m;
    const status = statusOf(letter);
    const first = tokens[++i];
    if (first === void 0) throw new Error("git log: a raw diff entry has no path");
    const zero = /^0+$/;
    const change = {
      status,
      path: first,
      oldBlob: zero.test(oldBlob) ? null : oldBlob,
      newBlob: zero.test(newBlob) ? null : newBlob,
      oldMode,
      newMode
    };
    if (status === "R") {
      const second = tokens[++i];
      if (second === void 0) throw new Error("git log: a rename has no new path");
      change.oldPath = first;
      change.path = second;
    }
    changes.push(change);
  }
  changes.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return {
    sha,
    parents: parents === "" ? [] : parents.split(" "),
    authorTime: Number(at) * 1e3,
    committerTime: Number(ct) * 1e3,
    author,
    committer,
    message,
    changes
  };
}
function statusOf(letter) {
  if (letter === "A" || letter === "M" || letter === "D" || letter === "R" || letter === "T")
    return letter;
  throw new Error(`git log: unexpected change status ${letter}`);
}

// src/audit/history.ts
var HistoryInputError = class extends Error {
};
async function loadHistory(root, ref, opts = {}) {
  const { head, shallow } = await resolveRef(root, ref);
  if (head === null) return { head, shallow, commits: [], blobs: /* @__PURE__ */ new Map(), tree: /* @__PURE__ */ new Map() };
  const commits = [];
  const reader = startBlobReader(root, GRANT_MAX_BYTES);
  try {
    await readLog(root, head, (c) => {
      commits.push(c);
      for (const ch of c.changes) {
        if (ch.oldBlob && ch.oldMode !== "160000") reader.want(ch.oldBlob);
        if (ch.newBlob && ch.newMode !== "160000") reader.want(ch.newBlob);
      }
    });
  } catch (e) {
    reader.abort();
    throw e;
  }
  const blobs = await reader.finish();
  const out = { head, shallow, commits, blobs };
  if (opts.withTree) out.tree = await readGrantsTree(root, head);
  return out;
}
async function resolveRef(root, ref) {
  if (ref.startsWith("-") || ref.includes("\0")) {
    throw new HistoryInputError(`--ref "${ref}" is not a git ref; name a branch, tag or commit.`);
  }
  let r;
  try {
    r = await gitText(
      root,
      [
        "rev-parse",
        "--is-shallow-repository",
        "--show-prefix",
        "--verify",
        "--quiet",
        "--end-of-options",
        `${ref}^{commit}`
      ],
      [1]
    );
  } catch (e) {
    if (e instanceof GitError && e.code !== null) {
      throw new HistoryInputError(
        `${root} is not a git repository (git: ${e.stderr.split("\n")[0]}); jit audit reads the history of the repository, so run it in a clone (with full history).`
      );
    }
    throw e;
  }
  const [shallowLine, prefix, sha] = r.stdout.split("\n");
  if (prefix) {
    throw new HistoryInputError(
      `${root} is the folder ${prefix} inside a git repository; pass the top of the repository as --root.`
    );
  }
  const shallow = shallowLine === "true";
  if (r.code === 0 && sha && /^[0-9a-f]{40,64}$/.test(sha)) return { head: sha, shallow };
  if (ref === "HEAD") return { head: null, shallow };
  throw new HistoryInputError(
    `--ref "${ref}" does not name a commit in ${root}; fetch it or name an existing branch (e.g. origin/main).`
  );
}
async function readGrantsTree(root, sha) {
  const chunks = [];
  await runGit(root, ["ls-tree", "-r", "-z", "--full-tree", sha, "--", "grants/"], {
    onStdout: (c) => chunks.push(c)
  });
  const tree = /* @__PURE__ */ new Map();
  for (const entry of Buffer.concat(chunks).toString("utf8").split("\0")) {
    const m = /^([0-7]{6}) [a-z]+ ([0-9a-f]{40,64})\t(.+)$/s.exec(entry);
    if (m) tree.set(m[3], { mode: m[1], blob: m[2] });
  }
  return tree;
}

// src/core/audit/history.ts
var shortSha = (sha) => sha.slice(0, 12);

// src/core/inert.ts
var UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}]/gu;
var LINE_BREAKS = /\r\n?|[\u0085\u2028\u2029]/g;
function cleanText(s) {
  return asString(s).replace(LINE_BREAKS, "\n").replace(/[\v\f]/g, " ").replace(UNSAFE, (ch) => ch === "\n" || ch === "	" ? ch : "");
}
function asString(s) {
  if (typeof s === "string") return s;
  if (typeof s === "number" || typeof s === "boolean" || typeof s === "bigint") return String(s);
  return "";
}

// src/core/audit/content.ts
var SYMLINK = { fields: {}, problem: "the file is a symbolic link, not a grant" };
var SUBMODULE = { fields: {}, problem: "the path is a submodule, not a grant" };
var NONE = { fields: {}, problem: "no content" };
function contentReader(blobs) {
  const cache = /* @__PURE__ */ new Map();
  return (blob, mode, path) => {
    if (blob === null) return NONE;
    if (mode === "120000") return SYMLINK;
    if (mode === "160000") return SUBMODULE;
    let c = cache.get(blob);
    if (!c) {
      c = readContent(blobs.get(blob), path);
      cache.set(blob, c);
    }
    return c;
  };
}
function readContent(b, path) {
  if (!b) {
    return {
      fields: {},
      problem: "the content is not in this clone (shallow or partial clone); fetch the full history"
    };
  }
  if (!b.bytes) {
    return {
      fields: {},
      problem: `the file is ${b.size} bytes, over the ${GRANT_MAX_BYTES / 1024} KiB limit of a grant file`
    };
  }
  const text = decodeFile(b.bytes, path, GRANT_MAX_BYTES);
  if (!text.ok) return { fields: {}, problem: withoutPath(text.errors[0].message, path) };
  const parsed = parseStrictYaml(text.value, {
    schema: "failsafe",
    maxDepth: GRANT_MAX_DEPTH,
    path
  });
  if (!parsed.ok) return { fields: {}, problem: withoutPath(parsed.errors[0].message, path) };
  const fields = {};
  for (const [k, v] of Object.entries(parsed.value)) if (typeof v === "string") fields[k] = v;
  const out = { fields };
  const problems = [];
  for (const key of ["starts_at", "expires_at"]) {
    const v = fields[key];
    if (v === void 0) continue;
    const t = parseInstant(v);
    if (t.ok) {
      if (key === "starts_at") out.startsAt = t.ms;
      else out.expiresAt = t.ms;
      out[key] = formatInstant(t.ms);
    } else problems.push(`${key} "${oneLine(v, 40)}" ${t.why}`);
  }
  if (fields.expires_at === void 0) problems.push("expires_at is missing");
  if (problems.length > 0) out.problem = problems.join("; ");
  return out;
}
function withoutPath(message, path) {
  return message.startsWith(`${path}`) ? message.slice(path.length).replace(/^:\d*:?\s*/, "") : message;
}
function oneLine(s, max = 120) {
  const t = cleanText(s).replace(/\s+/g, " ").trim();
  return t.length > max ? `${t.slice(0, max - 1)}\u2026` : t;
}
function contentAsGrant(path, c) {
  const where = parseGrantPath(path);
  if (!where.ok || c.problem || c.expiresAt === void 0) return void 0;
  const f = c.fields;
  return {
    path,
    system: where.value.system,
    name: where.value.name,
    requester: f.requester ?? "",
    subject: f.subject ?? f.requester ?? "",
    role: f.role ?? "",
    ...f.ticket !== void 0 ? { ticket: f.ticket } : {},
    justification: f.justification ?? "",
    ...c.startsAt !== void 0 ? { startsAt: c.startsAt } : {},
    expiresAt: c.expiresAt,
    fields: f
  };
}

// src/core/audit/events.ts
function auditEvents(history) {
  const read = contentReader(history.blobs);
  const removedIn = /* @__PURE__ */ new Map();
  const events = [];
  for (const commit of history.commits) {
    const ctx = commitContext(commit);
    for (const ch of commit.changes) {
      for (const e of changeEvents(ctx, ch, read, removedIn)) events.push(e);
    }
  }
  return events;
}
function changeEvents(ctx, ch, read, removedIn) {
  const out = [];
  const sha = ctx.commit.sha;
  if (ch.status === "D" || ch.status === "R") {
    const path = ch.status === "R" ? ch.oldPath : ch.path;
    if (isGrant(path)) {
      const renamedTo = ch.status === "R" ? ch.path : void 0;
      out.push(removal(ctx, path, read(ch.oldBlob, ch.oldMode, path), renamedTo));
      removedIn.set(path, sha);
    }
  }
  if (ch.status === "D" || !isGrant(ch.path)) return out;
  const after = read(ch.newBlob, ch.newMode, ch.path);
  if (ch.status === "A" || ch.status === "R") {
    const notes2 = [];
    if (ch.status === "R") notes2.push(`renamed from ${ch.oldPath}: a new grant`);
    const earlier = removedIn.get(ch.path);
    if (earlier && ch.status === "A")
      notes2.push(`re-added; removed earlier in ${shortSha(earlier)}`);
    if (after.expiresAt !== void 0 && after.expiresAt <= ctx.commit.committerTime) {
      notes2.push(
        `expires_at ${after.fields.expires_at} had already passed when this commit landed; the grant was never active from this file`
      );
    }
    out.push(requested(ctx, "granted", ch.path, after, notes2));
    removedIn.delete(ch.path);
    return out;
  }
  const before = read(ch.oldBlob, ch.oldMode, ch.path);
  const { kind, notes } = modification(ch.path, before, after);
  out.push(requested(ctx, kind, ch.path, after, notes));
  return out;
}
function requested(ctx, event, path, content, notes) {
  const trailer = grantTrailer(ctx.trailers, path);
  const e = base(ctx, event, path, content, trailer);
  if (trailer) {
    e.approvers = [...trailer.approvedBy];
    if (trailer.change === "narrowed" && event !== "narrowed") {
      notes.push(`the Jit-Change trailer says narrowed, but the change is not a pure narrowing`);
    }
  } else {
    notes.push(
      "approvers unknown: no Jit-Grant trailer for this path (not merged by the gate: a direct push, a revert or a hand-made merge)"
    );
  }
  e.notes.push(...notes);
  return e;
}
function removal(ctx, path, content, renamedTo) {
  const { trailers, commit } = ctx;
  const byExpiry = trailers.expired.includes(path);
  const lapsed = content.expiresAt !== void 0 && content.expiresAt <= commit.committerTime;
  const e = base(ctx, byExpiry || lapsed ? "expired" : "revoked", path, content, void 0);
  if (renamedTo) e.notes.push(`renamed to ${renamedTo}`);
  if (byExpiry && content.expiresAt !== void 0 && !lapsed) {
    e.notes.push(
      `the Jit-Expired trailer names this grant, but its expires_at ${content.fields.expires_at} was after the commit time ${ctx.time}`
    );
  }
  const gate = byExpiry || trailers.revoked.includes(path) || renamedTo !== void 0 && grantTrailer(trailers, renamedTo) !== void 0;
  if (gate) e.approvers = [];
  else {
    e.notes.push(
      "no Jit-Revoked or Jit-Expired trailer for this path: removed outside the gate (removals need no approval)"
    );
  }
  return e;
}
function base(ctx, event, path, content, trailer) {
  const f = content.fields;
  return {
    time: ctx.time,
    commit: ctx.commit.sha,
    event,
    path,
    // Only grant paths (`grants/<system>/<name>.yaml`) get here.
    system: path.split("/")[1],
    subject: f.subject ?? f.requester ?? null,
    role: f.role ?? null,
    requester: f.requester ?? trailer?.requestedBy ?? null,
    approvers: null,
    ticket: f.ticket ?? trailer?.ticket ?? null,
    starts_at: content.starts_at ?? null,
    expires_at: content.expires_at ?? null,
    pull_request: ctx.pr,
    policy: trailer?.policy ?? null,
    decision: ctx.trailers.decision ?? null,
    author: ctx.commit.author,
    notes: content.problem ? [`the file does not read as a grant: ${content.problem}`] : []
  };
}
function modification(path, before, after) {
  const notes = [];
  const keys = [.../* @__PURE__ */ new Set([...Object.keys(before.fields), ...Object.keys(after.fields)])].sort();
  const changed = keys.filter((k) => before.fields[k] !== after.fields[k]);
  if (changed.length > 0) {
    notes.push(
      `changed: ${changed.map((k) => `${k} ${show(before.fields[k])} \u2192 ${show(after.fields[k])}`).join(", ")}`
    );
  } else if (!before.problem && !after.problem) {
    notes.push("no field changed (formatting only)");
  }
  const a = contentAsGrant(path, before);
  const b = contentAsGrant(path, after);
  if (!a || !b) {
    notes.push("the windows cannot be compared (a version of the file does not read as a grant)");
    return { kind: "extended", notes };
  }
  const identity = changedIdentity(a, b);
  if (identity.length > 0) {
    notes.push(
      `${identity.join(", ")} changed in place (the gate refuses this as E_IMMUTABLE_FIELD; a new file is a new grant)`
    );
  }
  return { kind: isNarrowing(a, b) ? "narrowed" : "extended", notes };
}
var show = (v) => v === void 0 ? "(none)" : oneLine(v, 60);
function commitContext(commit) {
  const trailers = parseTrailers(commit.message);
  return {
    commit,
    trailers,
    pr: trailers.pr ?? pullRequestFromSubject(commit.message),
    time: formatInstant(commit.committerTime)
  };
}
function grantTrailer(t, path) {
  for (let i = t.grants.length - 1; i >= 0; i--)
    if (t.grants[i].grant === path) return t.grants[i];
  return void 0;
}
function pullRequestFromSubject(message) {
  const subject = message.split("\n", 1)[0].trim();
  const m = /^Merge pull request #([0-9]{1,9})\b/.exec(subject) ?? /\(#([0-9]{1,9})\)$/.exec(subject);
  return m ? Number(m[1]) : null;
}
var grantPaths = /* @__PURE__ */ new Map();
function isGrant(path) {
  let v = grantPaths.get(path);
  if (v === void 0) {
    v = parseGrantPath(path).ok;
    if (grantPaths.size > 1e5) grantPaths.clear();
    grantPaths.set(path, v);
  }
  return v;
}
function filterEvents(events, f) {
  const subject = f.subject !== void 0 ? loginKey(f.subject) : void 0;
  return events.filter((e) => {
    const t = Date.parse(e.time);
    if (f.since !== void 0 && t < f.since) return false;
    if (f.until !== void 0 && t >= f.until) return false;
    if (f.system !== void 0 && e.system !== f.system) return false;
    if (subject !== void 0 && (e.subject === null || loginKey(e.subject) !== subject))
      return false;
    return true;
  });
}

// src/core/audit/verify.ts
function verifyProvenance(history, tree) {
  const state = replay(history.commits);
  const read = contentReader(history.blobs);
  const paths = /* @__PURE__ */ new Set();
  for (const p of state.keys()) if (!tree || tree.has(p)) paths.add(p);
  if (tree) for (const p of tree.keys()) paths.add(p);
  const provenance = /* @__PURE__ */ new Map();
  const findings = [];
  for (const path of [...paths].sort()) {
    if (!parseGrantPath(path).ok) continue;
    const o = state.get(path);
    const problem = o ? treeMismatch(path, o, tree) ?? originProblem(path, o, read) : unexplained(path);
    if (problem) {
      findings.push(problem);
      provenance.set(path, { ok: false, finding: problem });
    } else {
      const c = o.commit;
      provenance.set(path, {
        ok: true,
        commit: c.sha,
        pull_request: parseTrailers(c.message).pr ?? pullRequestFromSubject(c.message)
      });
    }
  }
  return { provenance, findings };
}
function replay(commits) {
  const state = /* @__PURE__ */ new Map();
  for (const commit of commits) {
    const trailers = parseTrailers(commit.message);
    for (const ch of commit.changes) {
      if (ch.status === "D" || ch.status === "R") state.delete(ch.oldPath ?? ch.path);
      if (ch.status === "D") continue;
      const trailer = grantTrailer(trailers, ch.path);
      const prev = ch.status === "M" || ch.status === "T" ? state.get(ch.path) : void 0;
      state.set(ch.path, {
        commit,
        blob: ch.newBlob,
        mode: ch.newMode,
        oldBlob: ch.oldBlob,
        oldMode: ch.oldMode,
        trailer,
        approved: trailer ? commit : prev?.approved
      });
    }
  }
  return state;
}
function originProblem(path, o, read) {
  const c = o.commit;
  if (!o.trailer) {
    if (o.approved) {
      return provenanceFinding(
        path,
        c,
        `${path}: approved in commit ${describe(o.approved)}, but changed afterwards by commit ${describe(c)} without a Jit-Grant trailer for this path, so the content on the branch is not what was approved. Revert ${shortSha(c.sha)} or request the change through a pull request.`
      );
    }
    return provenanceFinding(
      path,
      c,
      `${path}: introduced by commit ${describe(c)} without a Jit-Grant trailer for this path (in the message's last paragraph), so it did not arrive through an approved merge. Remove the file (removal needs no approval) and request the access through a pull request.`
    );
  }
  const content = read(o.blob, o.mode, path);
  const mismatch = trailerMismatch(o.trailer, content);
  if (mismatch) {
    return provenanceFinding(
      path,
      c,
      `${path}: commit ${describe(c)} carries a Jit-Grant trailer for this path, but ${mismatch}, so the trailer does not describe the file. Remove the file and request the access through a pull request.`
    );
  }
  if (o.trailer.change === "narrowed" && o.oldBlob !== null) {
    const before = contentAsGrant(path, read(o.oldBlob, o.oldMode, path));
    const after = contentAsGrant(path, content);
    if (!before || !after || !isNarrowing(before, after)) {
      return provenanceFinding(
        path,
        c,
        `${path}: commit ${describe(c)} says Jit-Change: narrowed for this path, but the change is not a pure narrowing (only an earlier expires_at or a later starts_at is), so it was not approved as what it does. Revert ${shortSha(c.sha)} or request the change through a pull request.`
      );
    }
  }
  return void 0;
}
function trailerMismatch(t, content) {
  if (t.expiresAt !== void 0) {
    const file = content.fields.expires_at;
    const trailer = parseInstant(t.expiresAt);
    const same = trailer.ok && content.expiresAt !== void 0 && trailer.ms === content.expiresAt;
    if (!same) {
      return `its Jit-Expires-At is ${oneLine(t.expiresAt, 40)} while the file's expires_at is ${file === void 0 ? "(none)" : oneLine(file, 40)}`;
    }
  }
  if (t.requestedBy !== void 0 && t.change !== "narrowed") {
    const file = content.fields.requester;
    if (file === void 0 || file.toLowerCase() !== t.requestedBy.toLowerCase()) {
      return `its Jit-Requested-By is ${oneLine(t.requestedBy, 40)} while the file's requester is ${file === void 0 ? "(none)" : oneLine(file, 40)}`;
    }
  }
  return void 0;
}
function treeMismatch(path, o, tree) {
  const h = tree?.get(path);
  if (!tree || h && h.blob === o.blob) return void 0;
  return provenanceFinding(
    path,
    o.commit,
    `${path}: the audited commit holds blob ${h ? shortSha(h.blob) : "(none)"}, but its history ends with blob ${o.blob ? shortSha(o.blob) : "(none)"} from commit ${describe(o.commit)}; the history does not explain the file (rewritten history or an incomplete clone). Fetch the full history and verify again.`
  );
}
function unexplained(path) {
  return {
    code: "E_PROVENANCE",
    path,
    commit: null,
    message: `${path}: is on the audited commit, but no commit of its first-parent history introduced it (a shallow clone or grafted history). Fetch the full history (actions/checkout with fetch-depth: 0) and verify again.`
  };
}
var provenanceFinding = (path, commit, message) => ({ code: "E_PROVENANCE", message, path, commit: commit.sha });
function describe(c) {
  const subject = c.message.split("\n", 1)[0] ?? "";
  return `${shortSha(c.sha)} (${formatInstant(c.committerTime)}, ${oneLine(c.author, 60)}, "${oneLine(subject, 72)}")`;
}

// src/audit/provenance.ts
async function provenanceOf(root, ref = "HEAD") {
  const history = await loadHistory(root, ref, { withTree: true });
  if (history.shallow) throw new HistoryInputError(shallowMessage(root));
  return verifyProvenance(history, history.tree).provenance;
}
var shallowMessage = (root) => `${root} is a shallow clone: the history before its boundary is missing, so provenance cannot be proven. Fetch the full history (git fetch --unshallow, or actions/checkout with fetch-depth: 0).`;

export {
  HistoryInputError,
  loadHistory,
  shortSha,
  auditEvents,
  filterEvents,
  verifyProvenance,
  provenanceOf,
  shallowMessage
};
