import { createRequire as __jitCreateRequire } from 'node:module'; const require = __jitCreateRequire(import.meta.url);

// src/core/audit/trailers.ts
var KEYS = {
  grant: "Jit-Grant",
  requestedBy: "Jit-Requested-By",
  approvedBy: "Jit-Approved-By",
  ticket: "Jit-Ticket",
  expiresAt: "Jit-Expires-At",
  policy: "Jit-Policy",
  change: "Jit-Change",
  revoked: "Jit-Revoked",
  expired: "Jit-Expired",
  decision: "Jit-Decision",
  pr: "Jit-Pull-Request"
};
function parseTrailers(message) {
  const paragraphs = message.replace(/\r\n/g, "\n").trimEnd().split(/\n\s*\n/);
  const last = paragraphs[paragraphs.length - 1] ?? "";
  const out = { grants: [], revoked: [], expired: [] };
  let current;
  for (const line of last.split("\n")) {
    const m = /^(Jit-[A-Za-z-]+):\s*(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, key, value] = m;
    switch (key) {
      case KEYS.grant:
        current = { grant: value, approvedBy: [] };
        out.grants.push(current);
        break;
      case KEYS.requestedBy:
        if (current) current.requestedBy = value;
        break;
      case KEYS.approvedBy:
        if (current) current.approvedBy.push(value);
        break;
      case KEYS.ticket:
        if (current) current.ticket = value;
        break;
      case KEYS.expiresAt:
        if (current) current.expiresAt = value;
        break;
      case KEYS.policy:
        if (current) current.policy = value;
        break;
      case KEYS.change:
        if (current) current.change = value;
        break;
      case KEYS.revoked:
        out.revoked.push(value);
        break;
      case KEYS.expired:
        out.expired.push(value);
        break;
      case KEYS.decision:
        out.decision = value;
        break;
      case KEYS.pr:
        if (/^[0-9]{1,9}$/.test(value)) out.pr = Number(value);
        break;
      default:
        break;
    }
  }
  return out;
}

export {
  parseTrailers
};
