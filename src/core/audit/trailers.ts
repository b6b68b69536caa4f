/**
 * Git trailers that make `git log` the audit trail (SPEC §9). Written by the action into merge
 * commits (`Jit-Grant`, `Jit-Requested-By`, `Jit-Approved-By`, `Jit-Ticket`, `Jit-Expires-At`,
 * `Jit-Policy`, `Jit-Decision`) and removal commits (`Jit-Revoked`, `Jit-Expired`); read back by
 * `jit audit`. One grant per `Jit-Grant` block: the fields after a `Jit-Grant` line belong to it.
 */
export interface GrantTrailer {
  grant: string;
  requestedBy?: string;
  approvedBy: string[];
  ticket?: string;
  expiresAt?: string;
  /** `policies/<system>.yaml@<git blob sha>`. */
  policy?: string;
  /** Change kind as judged: added, modified, renamed, narrowed. */
  change?: string;
}

export interface AuditTrailers {
  grants: GrantTrailer[];
  revoked: string[];
  expired: string[];
  /** sha256 of the snapshot the decision was computed from. */
  decision?: string;
  /** Pull request number, when known. */
  pr?: number;
}

const KEYS = {
  grant: 'Jit-Grant',
  requestedBy: 'Jit-Requested-By',
  approvedBy: 'Jit-Approved-By',
  ticket: 'Jit-Ticket',
  expiresAt: 'Jit-Expires-At',
  policy: 'Jit-Policy',
  change: 'Jit-Change',
  revoked: 'Jit-Revoked',
  expired: 'Jit-Expired',
  decision: 'Jit-Decision',
  pr: 'Jit-Pull-Request',
} as const;

/** Trailer values are single-line and free of characters that could forge another trailer. */
function clean(v: string): string {
  return v
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ')
    .trim()
    .slice(0, 300);
}

/** Renders the trailer block (to append after a blank line in a commit message). */
export function formatTrailers(t: AuditTrailers): string {
  const lines: string[] = [];
  const put = (k: string, v: string | undefined) => {
    if (v !== undefined && v !== '') lines.push(`${k}: ${clean(v)}`);
  };
  for (const g of t.grants) {
    put(KEYS.grant, g.grant);
    put(KEYS.change, g.change);
    put(KEYS.requestedBy, g.requestedBy);
    for (const a of g.approvedBy) put(KEYS.approvedBy, a);
    put(KEYS.ticket, g.ticket);
    put(KEYS.expiresAt, g.expiresAt);
    put(KEYS.policy, g.policy);
  }
  for (const r of t.revoked) put(KEYS.revoked, r);
  for (const e of t.expired) put(KEYS.expired, e);
  if (t.pr !== undefined) put(KEYS.pr, String(t.pr));
  put(KEYS.decision, t.decision);
  return lines.join('\n');
}

/**
 * Parses the trailers of a commit message. Only the last paragraph counts (git's rule), so a
 * `Jit-Grant:` line quoted in a PR body earlier in a squash message is not evidence.
 */
export function parseTrailers(message: string): AuditTrailers {
  const paragraphs = message
    .replace(/\r\n/g, '\n')
    .trimEnd()
    .split(/\n\s*\n/);
  const last = paragraphs[paragraphs.length - 1] ?? '';
  const out: AuditTrailers = { grants: [], revoked: [], expired: [] };
  let current: GrantTrailer | undefined;
  for (const line of last.split('\n')) {
    const m = /^(Jit-[A-Za-z-]+):\s*(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
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
