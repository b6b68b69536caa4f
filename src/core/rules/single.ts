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

/** Judges one grant on its own (no other grants): times, ticket, justification, eligibility. */
export function judgeGrant(
  g: Grant,
  role: RoleSettings,
  ctx: SingleContext,
): { errors: Finding[]; warnings: Finding[] } {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const p = g.path;
  const sys = `policy ${g.system} role ${role.name}`;

  if (g.expiresAt <= ctx.now) {
    const text = `${p}: expires_at ${formatInstant(g.expiresAt)} has passed (now ${formatInstant(ctx.now)})`;
    if (ctx.expired === 'deny') {
      errors.push(
        finding('E_EXPIRED', `${text}; choose an expires_at in the future.`, {
          path: p,
          field: 'expires_at',
        }),
      );
    } else {
      warnings.push(
        finding(
          'W_EXPIRED',
          `${text}; expired, to be removed (the expire job opens a removal pull request).`,
          { path: p, field: 'expires_at' },
        ),
      );
    }
  }
  if (g.startsAt !== undefined) {
    if (g.startsAt >= g.expiresAt) {
      errors.push(
        finding(
          'E_WINDOW',
          `${p}: starts_at ${formatInstant(g.startsAt)} is not before expires_at ${formatInstant(g.expiresAt)}; starts_at must come first.`,
          { path: p, field: 'starts_at' },
        ),
      );
    } else if (g.startsAt - ctx.now > role.maxStartDelayMs) {
      errors.push(
        finding(
          'E_WINDOW',
          `${p}: starts_at ${formatInstant(g.startsAt)} is ${formatSpan(g.startsAt - ctx.now)} ahead of now; ${sys} allows at most ${role.maxStartDelayText} ahead. Request it later or choose an earlier starts_at.`,
          { path: p, field: 'starts_at' },
        ),
      );
    }
  }
  const from = Math.max(ctx.now, g.startsAt ?? ctx.now);
  if (g.expiresAt - from > role.maxDurationMs) {
    errors.push(
      finding(
        'E_DURATION',
        `${p}: expires_at ${formatInstant(g.expiresAt)} is ${formatSpan(g.expiresAt - from)} after ${from === ctx.now ? 'now' : 'starts_at'}; ${sys} allows at most ${role.maxDurationText}. Shorten expires_at to ${formatInstant(from + role.maxDurationMs)} or earlier.`,
        { path: p, field: 'expires_at' },
      ),
    );
  }
  if (role.ticket) {
    if (g.ticket === undefined) {
      errors.push(
        finding(
          'E_TICKET',
          `${p}: ticket is required by ${sys} (pattern ${role.ticket.pattern}); add the procurement ticket, e.g. ticket: PROC-1234.`,
          { path: p, field: 'ticket' },
        ),
      );
    } else if (!role.ticket.re.test(g.ticket)) {
      errors.push(
        finding(
          'E_TICKET',
          `${p}: ticket "${g.ticket}" does not match ${role.ticket.pattern} required by ${sys}; use the procurement ticket id.`,
          { path: p, field: 'ticket' },
        ),
      );
    }
  }
  const just = g.justification.trim();
  const chars = codePoints(just);
  if (chars < role.justificationMinLength) {
    errors.push(
      finding(
        'E_JUSTIFICATION',
        `${p}: justification has ${chars} characters; ${sys} needs at least ${role.justificationMinLength}. Say what you will do and why.`,
        { path: p, field: 'justification' },
      ),
    );
  }
  const elig = eligibility(g.subject, role.requesters);
  if (elig === 'no') {
    errors.push(
      finding(
        'E_NOT_ELIGIBLE',
        `${p}: subject ${g.subject} is not among the requesters of ${sys} (${role.requesters!.join(', ')}); ask an owner to add them, or request for an eligible subject.`,
        { path: p, field: g.fields.subject !== undefined ? 'subject' : 'requester' },
      ),
    );
  } else if (elig === 'teams') {
    const teams = role.requesters!.filter(isTeam);
    const known = teams.map((t) => ctx.teams.isMember(t, g.subject));
    if (known.some((k) => k === true)) {
      // eligible through a team
    } else if (known.every((k) => k === false)) {
      errors.push(
        finding(
          'E_NOT_ELIGIBLE',
          `${p}: subject ${g.subject} is not an active member of ${teams.join(', ')}, the requesters of ${sys}; ask a team maintainer to add them.`,
          { path: p, field: 'subject' },
        ),
      );
    } else {
      warnings.push(
        finding(
          'W_TEAM_UNVERIFIED',
          `${p}: subject ${g.subject} is eligible only through ${teams.join(', ')}; team membership is not verified offline (the gate checks it on the pull request).`,
          { path: p, field: 'subject' },
        ),
      );
    }
  }
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
