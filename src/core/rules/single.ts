import { type Finding, finding } from '../codes.js';
import type { Grant, Principal, RoleSettings } from '../model.js';
import { loginKey } from '../model.js';
import { formatInstant, formatSpan } from '../time.js';

/**
 * What is known about team membership when judging. `undefined` from `isMember` means
 * "not known here" (offline `jit check`), which is never treated as membership.
 */
export interface TeamDirectory {
  /** `team` is a principal as written in a policy: `@org/slug`. */
  isMember(team: Principal, login: string): boolean | undefined;
}

export const OFFLINE_TEAMS: TeamDirectory = { isMember: () => undefined };

export interface SingleContext {
  now: number;
  teams: TeamDirectory;
  /** `jit check` reports an expired grant as a warning; a pull request denies it. */
  expired: 'deny' | 'warn';
}

/** What one rule may report about one grant. */
interface Report {
  error(code: Finding['code'], message: string, field: string): void;
  warning(code: Finding['code'], message: string, field: string): void;
}

/** One check of one grant against its role. Messages name file, field, value and the fix. */
type Rule = (g: Grant, role: RoleSettings, ctx: SingleContext, report: Report) => void;

/** `policy coupa role invoice-approver`, the phrase every message uses for the rule's source. */
const source = (g: Grant, role: RoleSettings) => `policy ${g.system} role ${role.name}`;

const expiry: Rule = (g, _role, ctx, report) => {
  if (g.expiresAt > ctx.now) return;
  const text = `${g.path}: expires_at ${formatInstant(g.expiresAt)} has passed (now ${formatInstant(ctx.now)})`;
  if (ctx.expired === 'deny') {
    report.error('E_EXPIRED', `${text}; choose an expires_at in the future.`, 'expires_at');
  } else {
    report.warning(
      'W_EXPIRED',
      `${text}; expired, to be removed (the expire job opens a removal pull request).`,
      'expires_at',
    );
  }
};

const timeWindow: Rule = (g, role, ctx, report) => {
  if (g.startsAt === undefined) return;
  if (g.startsAt >= g.expiresAt) {
    report.error(
      'E_WINDOW',
      `${g.path}: starts_at ${formatInstant(g.startsAt)} is not before expires_at ${formatInstant(g.expiresAt)}; starts_at must come first.`,
      'starts_at',
    );
  } else if (g.startsAt - ctx.now > role.maxStartDelayMs) {
    report.error(
      'E_WINDOW',
      `${g.path}: starts_at ${formatInstant(g.startsAt)} is ${formatSpan(g.startsAt - ctx.now)} ahead of now; ${source(g, role)} allows at most ${role.maxStartDelayText} ahead. Request it later or choose an earlier starts_at.`,
      'starts_at',
    );
  }
};

/** The cap is measured from max(now, starts_at): a past starts_at never stretches it. */
const duration: Rule = (g, role, ctx, report) => {
  const from = Math.max(ctx.now, g.startsAt ?? ctx.now);
  if (g.expiresAt - from <= role.maxDurationMs) return;
  report.error(
    'E_DURATION',
    `${g.path}: expires_at ${formatInstant(g.expiresAt)} is ${formatSpan(g.expiresAt - from)} after ${from === ctx.now ? 'now' : 'starts_at'}; ${source(g, role)} allows at most ${role.maxDurationText}. Shorten expires_at to ${formatInstant(from + role.maxDurationMs)} or earlier.`,
    'expires_at',
  );
};

const ticket: Rule = (g, role, _ctx, report) => {
  if (!role.ticket) return;
  if (g.ticket === undefined) {
    report.error(
      'E_TICKET',
      `${g.path}: ticket is required by ${source(g, role)} (pattern ${role.ticket.pattern}); add the procurement ticket, e.g. ticket: PROC-1234.`,
      'ticket',
    );
  } else if (!role.ticket.re.test(g.ticket)) {
    report.error(
      'E_TICKET',
      `${g.path}: ticket "${g.ticket}" does not match ${role.ticket.pattern} required by ${source(g, role)}; use the procurement ticket id.`,
      'ticket',
    );
  }
};

const justification: Rule = (g, role, _ctx, report) => {
  const chars = codePoints(g.justification.trim());
  if (chars >= role.justificationMinLength) return;
  report.error(
    'E_JUSTIFICATION',
    `${g.path}: justification has ${chars} characters; ${source(g, role)} needs at least ${role.justificationMinLength}. Say what you will do and why.`,
    'justification',
  );
};

/** Explicit logins are checked everywhere; teams only where membership is known (the gate). */
const eligible: Rule = (g, role, ctx, report) => {
  const elig = eligibility(g.subject, role.requesters);
  if (elig === 'yes') return;
  if (elig === 'no') {
    report.error(
      'E_NOT_ELIGIBLE',
      `${g.path}: subject ${g.subject} is not among the requesters of ${source(g, role)} (${role.requesters!.join(', ')}); ask an owner to add them, or request for an eligible subject.`,
      g.fields.subject !== undefined ? 'subject' : 'requester',
    );
    return;
  }
  const teams = role.requesters!.filter(isTeam);
  const known = teams.map((t) => ctx.teams.isMember(t, g.subject));
  if (known.some((k) => k === true)) return;
  if (known.every((k) => k === false)) {
    report.error(
      'E_NOT_ELIGIBLE',
      `${g.path}: subject ${g.subject} is not an active member of ${teams.join(', ')}, the requesters of ${source(g, role)}; ask a team maintainer to add them.`,
      'subject',
    );
  } else {
    report.warning(
      'W_TEAM_UNVERIFIED',
      `${g.path}: subject ${g.subject} is eligible only through ${teams.join(', ')}; team membership is not verified offline (the gate checks it on the pull request).`,
      'subject',
    );
  }
};

/** The single-grant rules of SPEC §4, in the order their findings are listed. */
const RULES: Rule[] = [expiry, timeWindow, duration, ticket, justification, eligible];

/** Judges one grant on its own (no other grants): times, ticket, justification, eligibility. */
export function judgeGrant(
  g: Grant,
  role: RoleSettings,
  ctx: SingleContext,
): { errors: Finding[]; warnings: Finding[] } {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const report: Report = {
    error: (code, message, field) => errors.push(finding(code, message, { path: g.path, field })),
    warning: (code, message, field) =>
      warnings.push(finding(code, message, { path: g.path, field })),
  };
  for (const rule of RULES) rule(g, role, ctx, report);
  return { errors, warnings };
}

export const isTeam = (p: Principal): boolean => p.startsWith('@') && p.includes('/');
/** `@acme/procurement-leads` → `procurement-leads`. */
export const teamSlug = (p: Principal): string => p.slice(p.indexOf('/') + 1);

function eligibility(subject: string, requesters: Principal[] | undefined): 'yes' | 'no' | 'teams' {
  if (!requesters) return 'yes';
  const key = loginKey(subject);
  if (requesters.some((r) => !isTeam(r) && loginKey(r) === key)) return 'yes';
  return requesters.some(isTeam) ? 'teams' : 'no';
}

/** Length in Unicode code points (what a person counts), without materialising an array. */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}
