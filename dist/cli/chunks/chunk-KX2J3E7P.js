import { createRequire as __jitCreateRequire } from 'node:module'; const require = __jitCreateRequire(import.meta.url);
import {
  finding,
  formatInstant,
  formatSpan,
  loginKey
} from "./chunk-A3BRDDDL.js";

// src/core/glob.ts
var GLOBSTAR = 0;
var ANY = 1;
var LITERAL = 2;
var WILDCARD = 3;
var STAR = 0;
var QMARK = 1;
function segMatcher(kind, literal = "", tokens = []) {
  let start = 0;
  while (typeof tokens[start] === "string") start++;
  let end = tokens.length;
  while (end > start && typeof tokens[end - 1] === "string") end--;
  const wildcards = tokens.slice(start, end);
  return {
    kind,
    literal: kind === WILDCARD ? tokens.slice(0, start).join("") : literal,
    suffix: tokens.slice(end).join(""),
    tokens,
    byCodePoint: tokens.includes(QMARK),
    simple: wildcards.length === 1 && wildcards[0] === STAR
  };
}
var GLOBSTAR_SEG = segMatcher(GLOBSTAR);
var ANY_SEG = segMatcher(ANY);
function compileGlob(source2) {
  const problems = syntaxProblems(source2);
  const split = splitSegments(source2, problems);
  if (problems.length > 0 || !split) return { problems };
  const { segments, leadingSlash, trailingSlash } = split;
  const anchored = leadingSlash || segments.length > 1;
  const segs = segments.map(toSegMatcher);
  if (!anchored && segs[0].kind !== GLOBSTAR) segs.unshift(GLOBSTAR_SEG);
  const last = segments[segments.length - 1];
  if (last.globstar) {
    segs.splice(segs.length - 1, 1, ANY_SEG, GLOBSTAR_SEG);
  }
  if (trailingSlash) {
    segs.push(ANY_SEG, GLOBSTAR_SEG);
  } else if (!last.globstar && !isLoneStar(last)) {
    segs.push(GLOBSTAR_SEG);
  }
  return { glob: { source: source2, segs }, problems: [] };
}
function matchSegments(glob, segments) {
  const pats = glob.segs;
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  while (s < segments.length) {
    const pat = pats[p];
    if (pat !== void 0 && pat.kind === GLOBSTAR) {
      starP = p++;
      starS = s;
    } else if (pat !== void 0 && segMatches(pat, segments[s])) {
      p++;
      s++;
    } else if (starP >= 0) {
      p = starP + 1;
      s = ++starS;
    } else {
      return false;
    }
  }
  while (pats[p]?.kind === GLOBSTAR) p++;
  return p === pats.length;
}
function segMatches(pat, seg) {
  if (pat.kind === LITERAL) return pat.literal === seg;
  if (pat.kind === ANY) return seg.length > 0;
  if (!seg.startsWith(pat.literal) || !seg.endsWith(pat.suffix)) return false;
  if (pat.simple) return seg.length >= pat.literal.length + pat.suffix.length;
  const chars = pat.byCodePoint ? Array.from(seg) : seg;
  return matchChars(pat.tokens, chars);
}
function matchChars(tokens, chars) {
  let t = 0;
  let c = 0;
  let starT = -1;
  let starC = 0;
  while (c < chars.length) {
    const tok = tokens[t];
    if (tok === STAR) {
      starT = t++;
      starC = c;
    } else if (tok !== void 0 && (tok === QMARK || tok === chars[c])) {
      t++;
      c++;
    } else if (starT >= 0) {
      t = starT + 1;
      c = ++starC;
    } else {
      return false;
    }
  }
  while (tokens[t] === STAR) t++;
  return t === tokens.length;
}
function isLoneStar(seg) {
  return !seg.globstar && seg.tokens.length > 0 && seg.tokens.every((t) => t === STAR);
}
function toSegMatcher(seg) {
  if (seg.globstar) return GLOBSTAR_SEG;
  const tokens = seg.tokens.filter((t, i) => !(t === STAR && seg.tokens[i - 1] === STAR));
  if (tokens.length === 1 && tokens[0] === STAR) return ANY_SEG;
  if (tokens.every((t) => typeof t === "string")) return segMatcher(LITERAL, tokens.join(""));
  return segMatcher(WILDCARD, "", tokens);
}
function syntaxProblems(source2) {
  const problems = [];
  if (source2.startsWith("!")) {
    problems.push({
      problem: `the pattern "${source2}" uses "!" negation, which CODEOWNERS does not support`,
      fix: 'Remove the "!" and give the excluded paths a later rule with no owners instead.'
    });
  }
  if (source2.startsWith("\\#")) {
    problems.push({
      problem: `the pattern "${source2}" escapes a leading "#" with "\\", which CODEOWNERS does not support`,
      fix: 'Match the file with a wildcard instead, for example "?name" or "/dir/*name".',
      ambiguous: true
    });
  }
  let escaped = false;
  for (const ch of source2) {
    if (escaped) {
      escaped = false;
    } else if (ch === "\\") {
      escaped = true;
    } else if (ch === "[" || ch === "]") {
      problems.push({
        problem: `the pattern "${source2}" uses "[ ]" character ranges, which CODEOWNERS does not support`,
        fix: 'Write one rule per path, or use "?" or "*" wildcards.'
      });
      break;
    } else if (ch === "#") {
      problems.push({
        problem: `the pattern "${source2}" contains "#", which GitHub may read as the start of a comment`,
        fix: 'Replace the "#" with "?" in the pattern.',
        ambiguous: true
      });
      break;
    }
  }
  if (escaped) {
    problems.push({
      problem: `the pattern "${source2}" ends with a lone "\\"`,
      fix: "Remove the trailing backslash.",
      ambiguous: true
    });
  }
  return problems;
}
function splitSegments(source2, problems) {
  const segments = [];
  let current = { tokens: [], globstar: false };
  let raw = "";
  let escaped = false;
  const close = () => {
    current.globstar = raw === "**";
    segments.push(current);
    current = { tokens: [], globstar: false };
    raw = "";
  };
  for (const ch of source2) {
    if (escaped) {
      escaped = false;
      raw += `\\${ch}`;
      if (ch === "/") close();
      else current.tokens.push(ch);
    } else if (ch === "\\") {
      escaped = true;
    } else if (ch === "/") {
      close();
    } else {
      raw += ch;
      current.tokens.push(ch === "*" ? STAR : ch === "?" ? QMARK : ch);
    }
  }
  close();
  const leadingSlash = segments.length > 1 && segments[0].tokens.length === 0;
  const trailingSlash = segments.length > 1 && segments[segments.length - 1].tokens.length === 0;
  const inner = segments.slice(leadingSlash ? 1 : 0, trailingSlash ? -1 : void 0);
  if (inner.length === 0) {
    problems.push({
      problem: `the pattern "${source2}" names no file or directory, so it matches nothing`,
      fix: 'Use "*" to match every file.',
      ambiguous: true
    });
    return void 0;
  }
  for (const seg of inner) {
    const text = seg.tokens.map((t) => typeof t === "string" ? t : "*").join("");
    if (seg.tokens.length === 0) {
      problems.push({
        problem: `the pattern "${source2}" contains an empty path segment ("//")`,
        fix: 'Use a single "/" between directories.',
        ambiguous: true
      });
      return void 0;
    }
    if (text === "." || text === "..") {
      problems.push({
        problem: `the pattern "${source2}" contains a "${text}" segment, which never appears in repository paths`,
        fix: 'Write the path from the repository root without "." or "..".',
        ambiguous: true
      });
      return void 0;
    }
  }
  return { segments: inner, leadingSlash, trailingSlash };
}

// src/core/codeowners.ts
var CODEOWNERS_PATHS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];
var CODEOWNERS_MAX_BYTES = 3e6;
function locateCodeowners(files) {
  for (const path of CODEOWNERS_PATHS) {
    const text = files(path);
    if (typeof text === "string") return { path, text };
  }
  return void 0;
}
var LOGIN = /^@[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
var TEAM = /^@[A-Za-z0-9][A-Za-z0-9_-]{0,99}\/[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;
var EMAIL = /^[A-Za-z0-9.!#$%&'*+=?^_`{|}~/-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$/;
function ownerKind(owner) {
  if (LOGIN.test(owner)) return "user";
  if (TEAM.test(owner)) return "team";
  if (EMAIL.test(owner)) return "email";
  return void 0;
}
function parseCodeowners(text, path) {
  const rules = [];
  const errors = [];
  if (typeof text !== "string") return { rules, errors };
  const bytes = utf8Length(text);
  if (bytes >= CODEOWNERS_MAX_BYTES) {
    errors.push(
      finding(
        "E_CODEOWNERS_INVALID",
        `${path}: the file is ${bytes} bytes; GitHub ignores a CODEOWNERS file of 3 MB or more. Shorten it, for example with wildcard patterns.`,
        { path }
      )
    );
    return { rules, errors };
  }
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  lines.forEach((raw, index) => {
    const result = parseLine(raw.endsWith("\r") ? raw.slice(0, -1) : raw);
    if (result === void 0) return;
    const line = index + 1;
    if ("problems" in result) {
      errors.push(lineFinding(path, line, raw, result.problems));
    } else {
      rules.push({ pattern: result.pattern, owners: result.owners, line });
    }
  });
  return { rules, errors };
}
function ownersFor(rules, filePath) {
  if (typeof filePath !== "string") return { owners: [] };
  const segments = filePath.split("/");
  for (let i = rules.length - 1; i >= 0; i--) {
    const rule = rules[i];
    const glob = compiled(rule);
    if (glob && matchSegments(glob, segments)) return { owners: [...rule.owners], rule };
  }
  return { owners: [] };
}
var cache = /* @__PURE__ */ new WeakMap();
function compiled(rule) {
  const hit = cache.get(rule);
  if (hit && hit.pattern === rule.pattern) return hit.glob;
  const glob = compileGlob(rule.pattern).glob;
  cache.set(rule, { pattern: rule.pattern, glob });
  return glob;
}
function parseLine(line) {
  const trimmed = line.replace(/^[ \t]+|[ \t]+$/g, "");
  if (trimmed === "" || trimmed.startsWith("#")) return void 0;
  const problems = [];
  const bad = new RegExp("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]|(?! )\\p{Zs}", "u").exec(trimmed.replace(/\t/g, " "));
  if (bad) {
    return {
      problems: [
        {
          problem: `the line contains the invisible or control character ${codePoint(bad[0])}`,
          fix: "Remove it, and separate the pattern and owners with plain spaces.",
          ambiguous: true
        }
      ]
    };
  }
  const tokens = tokenize(trimmed);
  const pattern = tokens[0];
  const glob = compileGlob(pattern);
  problems.push(...glob.problems);
  const owners = tokens.slice(1);
  for (const owner of owners) {
    if (ownerKind(owner) === void 0) problems.push(ownerProblem(owner));
  }
  return problems.length > 0 ? { problems } : { pattern, owners };
}
function tokenize(line) {
  const tokens = [];
  let current = "";
  let escaped = false;
  for (const ch of line) {
    if (escaped) {
      current += ch;
      escaped = false;
    } else if (ch === " " || ch === "	") {
      if (current !== "") tokens.push(current);
      current = "";
    } else if (ch === "#" && current === "" && tokens.length > 0) {
      return tokens;
    } else {
      if (ch === "\\") escaped = true;
      current += ch;
    }
  }
  if (current !== "") tokens.push(current);
  return tokens;
}
function ownerProblem(owner) {
  const problem = `the owner "${owner}" is not an @login, an @org/team or an email address`;
  if (owner === "@") return { problem, fix: 'Write the login or team after the "@".' };
  if (owner.includes(",")) {
    return { problem, fix: "Separate owners with spaces, not commas." };
  }
  if (/[^\x20-\x7E]/.test(owner)) {
    return { problem, fix: 'Type it again in plain ASCII; lookalikes such as "\uFF20" are not "@".' };
  }
  if (!owner.startsWith("@") && !owner.includes("@")) {
    return { problem, fix: `Write it as "@${owner}".` };
  }
  return {
    problem,
    fix: 'Use "@login", "@org/team-slug" or "name@example.com" (one owner per word).'
  };
}
function lineFinding(path, line, raw, problems) {
  const what = problems.map((p) => p.problem).join("; ");
  const verdict = problems.every((p) => p.ambiguous) ? "its meaning on GitHub is uncertain, so jit-access rejects the line" : "GitHub skips this line";
  const fixes = problems.map((p) => p.fix).join(" ");
  return finding(
    "E_CODEOWNERS_INVALID",
    `${path} line ${line} (${visible(raw)}): ${what}; ${verdict}. ${fixes}`,
    { path, line }
  );
}
function visible(raw) {
  const chars = Array.from(raw.replace(/\r$/, ""));
  const shown = chars.slice(0, 200).join("") + (chars.length > 200 ? "\u2026" : "");
  return `"${shown.replace(new RegExp("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]|(?! )\\p{Zs}", "gu"), (ch) => `[${codePoint(ch)}]`)}"`;
}
function codePoint(ch) {
  return `U+${ch.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}
function utf8Length(text) {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) bytes += 1;
    else if (c < 2048) bytes += 2;
    else if (c >= 55296 && c <= 56319 && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

// src/core/rules/single.ts
var OFFLINE_TEAMS = { isMember: () => void 0 };
var source = (g, role) => `policy ${g.system} role ${role.name}`;
var expiry = (g, _role, ctx, report) => {
  if (g.expiresAt > ctx.now) return;
  const text = `${g.path}: expires_at ${formatInstant(g.expiresAt)} has passed (now ${formatInstant(ctx.now)})`;
  if (ctx.expired === "deny") {
    report.error("E_EXPIRED", `${text}; choose an expires_at in the future.`, "expires_at");
  } else {
    report.warning(
      "W_EXPIRED",
      `${text}; expired, to be removed (the expire job opens a removal pull request).`,
      "expires_at"
    );
  }
};
var timeWindow = (g, role, ctx, report) => {
  if (g.startsAt === void 0) return;
  if (g.startsAt >= g.expiresAt) {
    report.error(
      "E_WINDOW",
      `${g.path}: starts_at ${formatInstant(g.startsAt)} is not before expires_at ${formatInstant(g.expiresAt)}; starts_at must come first.`,
      "starts_at"
    );
  } else if (g.startsAt - ctx.now > role.maxStartDelayMs) {
    report.error(
      "E_WINDOW",
      `${g.path}: starts_at ${formatInstant(g.startsAt)} is ${formatSpan(g.startsAt - ctx.now)} ahead of now; ${source(g, role)} allows at most ${role.maxStartDelayText} ahead. Request it later or choose an earlier starts_at.`,
      "starts_at"
    );
  }
};
var duration = (g, role, ctx, report) => {
  const from = Math.max(ctx.now, g.startsAt ?? ctx.now);
  if (g.expiresAt - from <= role.maxDurationMs) return;
  report.error(
    "E_DURATION",
    `${g.path}: expires_at ${formatInstant(g.expiresAt)} is ${formatSpan(g.expiresAt - from)} after ${from === ctx.now ? "now" : "starts_at"}; ${source(g, role)} allows at most ${role.maxDurationText}. Shorten expires_at to ${formatInstant(from + role.maxDurationMs)} or earlier.`,
    "expires_at"
  );
};
var ticket = (g, role, _ctx, report) => {
  if (!role.ticket) return;
  if (g.ticket === void 0) {
    report.error(
      "E_TICKET",
      `${g.path}: ticket is required by ${source(g, role)} (pattern ${role.ticket.pattern}); add the procurement ticket, e.g. ticket: PROC-1234.`,
      "ticket"
    );
  } else if (!role.ticket.re.test(g.ticket)) {
    report.error(
      "E_TICKET",
      `${g.path}: ticket "${g.ticket}" does not match ${role.ticket.pattern} required by ${source(g, role)}; use the procurement ticket id.`,
      "ticket"
    );
  }
};
var justification = (g, role, _ctx, report) => {
  const chars = codePoints(g.justification.trim());
  if (chars >= role.justificationMinLength) return;
  report.error(
    "E_JUSTIFICATION",
    `${g.path}: justification has ${chars} characters; ${source(g, role)} needs at least ${role.justificationMinLength}. Say what you will do and why.`,
    "justification"
  );
};
var eligible = (g, role, ctx, report) => {
  const elig = eligibility(g.subject, role.requesters);
  if (elig === "yes") return;
  if (elig === "no") {
    report.error(
      "E_NOT_ELIGIBLE",
      `${g.path}: subject ${g.subject} is not among the requesters of ${source(g, role)} (${role.requesters.join(", ")}); ask an owner to add them, or request for an eligible subject.`,
      g.fields.subject !== void 0 ? "subject" : "requester"
    );
    return;
  }
  const teams = role.requesters.filter(isTeam);
  const known = teams.map((t) => ctx.teams.isMember(t, g.subject));
  if (known.some((k) => k === true)) return;
  if (known.every((k) => k === false)) {
    report.error(
      "E_NOT_ELIGIBLE",
      `${g.path}: subject ${g.subject} is not an active member of ${teams.join(", ")}, the requesters of ${source(g, role)}; ask a team maintainer to add them.`,
      "subject"
    );
  } else {
    report.warning(
      "W_TEAM_UNVERIFIED",
      `${g.path}: subject ${g.subject} is eligible only through ${teams.join(", ")}; team membership is not verified offline (the gate checks it on the pull request).`,
      "subject"
    );
  }
};
var RULES = [expiry, timeWindow, duration, ticket, justification, eligible];
function judgeGrant(g, role, ctx) {
  const errors = [];
  const warnings = [];
  const report = {
    error: (code, message, field) => errors.push(finding(code, message, { path: g.path, field })),
    warning: (code, message, field) => warnings.push(finding(code, message, { path: g.path, field }))
  };
  for (const rule of RULES) rule(g, role, ctx, report);
  return { errors, warnings };
}
var isTeam = (p) => p.startsWith("@") && p.includes("/");
var teamSlug = (p) => p.slice(p.indexOf("/") + 1);
function eligibility(subject, requesters) {
  if (!requesters) return "yes";
  const key = loginKey(subject);
  if (requesters.some((r) => !isTeam(r) && loginKey(r) === key)) return "yes";
  return requesters.some(isTeam) ? "teams" : "no";
}
function codePoints(s) {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 55296 && c <= 56319 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 56320 && d <= 57343) {
        n--;
        i++;
      }
    }
  }
  return n;
}

// src/core/rules/cross.ts
function crossGrantFindings(grants, policies, now, focus) {
  const out = /* @__PURE__ */ new Map();
  const add = (g, f) => {
    if (focus && !focus.has(g.path)) return;
    const list = out.get(g.path) ?? [];
    if (!list.some((x) => x.code === f.code && x.message === f.message)) list.push(f);
    out.set(g.path, list);
  };
  const bySubject = /* @__PURE__ */ new Map();
  for (const grant of grants) {
    const start = Math.max(grant.startsAt ?? now, now);
    if (grant.expiresAt <= start) continue;
    const roleKey = `${grant.system}/${grant.role}`;
    const subject = loginKey(grant.subject);
    let roles = bySubject.get(subject);
    if (!roles) {
      roles = /* @__PURE__ */ new Map();
      bySubject.set(subject, roles);
    }
    const list = roles.get(roleKey) ?? [];
    list.push({ grant, start, end: grant.expiresAt });
    roles.set(roleKey, list);
  }
  const conflicts = conflictIndex(policies);
  for (const roles of bySubject.values()) {
    for (const list of roles.values()) list.sort((a, b) => a.start - b.start || a.end - b.end);
    for (const [roleKey, list] of roles) {
      sweep(list, list, (a, b) => {
        const msg = (x, y) => `${x.grant.path}: ${x.grant.subject} already has ${roleKey} from ${y.grant.path} (${fmt(y)}), overlapping this grant's window (${fmt(x)}). Extend or narrow the existing grant instead of adding a second one.`;
        add(a.grant, finding("E_OVERLAP", msg(a, b), { path: a.grant.path }));
        add(b.grant, finding("E_OVERLAP", msg(b, a), { path: b.grant.path }));
      });
      for (const other of conflicts.get(roleKey) ?? []) {
        if (other <= roleKey) continue;
        const otherList = roles.get(other);
        if (!otherList) continue;
        sweep(list, otherList, (a, b) => {
          const msg = (x, y) => `${x.grant.path}: ${x.grant.subject} would hold ${x.grant.system}/${x.grant.role} and ${y.grant.system}/${y.grant.role} (${y.grant.path}) at the same time (${fmt(x)} overlaps ${fmt(y)}); these roles are declared in conflict (separation of duties). Let the other grant end first or ask someone else.`;
          add(a.grant, finding("E_SOD_CONFLICT", msg(a, b), { path: a.grant.path, field: "role" }));
          add(b.grant, finding("E_SOD_CONFLICT", msg(b, a), { path: b.grant.path, field: "role" }));
        });
      }
    }
  }
  return out;
}
function sweep(xs, ys, hit) {
  const same = xs === ys;
  const merged = same ? xs.map((w) => ({ w, side: 0 })) : [...xs.map((w) => ({ w, side: 0 })), ...ys.map((w) => ({ w, side: 1 }))].sort(
    (a, b) => a.w.start - b.w.start
  );
  const latest = [void 0, void 0];
  for (const { w, side } of merged) {
    const other = same ? latest[0] : latest[1 - side];
    if (other && w.start < other.end && other.grant.path !== w.grant.path) hit(w, other);
    const mine = same ? 0 : side;
    if (!latest[mine] || latest[mine].end < w.end) latest[mine] = w;
  }
}
function conflictIndex(policies) {
  const idx = /* @__PURE__ */ new Map();
  const link = (a, b) => {
    const s = idx.get(a) ?? /* @__PURE__ */ new Set();
    s.add(b);
    idx.set(a, s);
  };
  for (const p of policies.values()) {
    for (const role of p.roles.values()) {
      for (const c of role.conflicts) {
        link(`${p.system}/${role.name}`, c);
        link(c, `${p.system}/${role.name}`);
      }
    }
  }
  return idx;
}
var fmt = (w) => `${formatInstant(w.start)} to ${formatInstant(w.end)}`;

export {
  locateCodeowners,
  ownerKind,
  parseCodeowners,
  ownersFor,
  crossGrantFindings,
  OFFLINE_TEAMS,
  judgeGrant,
  isTeam,
  teamSlug
};
