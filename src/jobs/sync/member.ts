import type { TargetSettings } from '../../core/model.js';

export type TargetType = TargetSettings['type'];

/** GitHub login syntax, as the grant schema requires for `subject` and the policy for `preserve`. */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/;
/** Control characters and bidi overrides: never part of a name we send to a target. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const PG_MAX_BYTES = 63;
const MAX_NAME_CHARS = 256;

/**
 * The key two target-side member names are compared by. GitHub logins are case-insensitive
 * (`Alice` on the team is the grant's `alice`); SCIM userNames, PostgreSQL roles (quoted
 * identifiers) and webhook members are compared exactly, as their connectors do
 * (docs/targets.md). Comparing GitHub logins exactly would turn a case difference into a
 * remove plus an add.
 */
export function memberKey(type: TargetType, member: string): string {
  return type === 'github-team' ? member.toLowerCase() : member;
}

/** The `user` template applied to a login: every `{subject}` replaced. */
export function applyTemplate(template: string, login: string): string {
  return template.replaceAll('{subject}', login);
}

/**
 * Why `subject` cannot be synced, or undefined. Grant files only allow GitHub login syntax;
 * this repeats the check at the planner boundary, so a grant built any other way (a future
 * loader, a test, a bug) cannot carry quotes or SQL into a target name.
 */
export function checkSubject(subject: string): string | undefined {
  return LOGIN.test(subject)
    ? undefined
    : 'is not a GitHub login (letters, digits, single hyphens)';
}

/**
 * Why a target-side member name is refused for this target type, or undefined. The connectors
 * refuse these too; refusing them in the plan means they are reported, never sent.
 */
export function checkMember(type: TargetType, member: string): string | undefined {
  if (member === '') return 'is empty';
  if (UNPRINTABLE.test(member)) return 'contains control or bidi characters';
  if (/\p{Cs}/u.test(member)) return 'is not valid UTF-8';
  if (type === 'github-team') {
    return LOGIN.test(member) ? undefined : 'is not a valid GitHub login';
  }
  if (type === 'postgres') {
    const bytes = Buffer.byteLength(member, 'utf8');
    // PostgreSQL truncates longer names silently, possibly into another, existing role.
    return bytes > PG_MAX_BYTES
      ? `is ${bytes} bytes; PostgreSQL role names are at most ${PG_MAX_BYTES}`
      : undefined;
  }
  return member.length > MAX_NAME_CHARS
    ? `is ${member.length} characters; at most ${MAX_NAME_CHARS} are accepted`
    : undefined;
}

/**
 * The subject a target-side member name came from, when the template has exactly one
 * `{subject}` and the name fits it; null otherwise (a member added by hand need not fit).
 */
export function subjectOf(template: string, member: string): string | null {
  const parts = template.split('{subject}');
  if (parts.length !== 2) return null;
  const [prefix, suffix] = parts as [string, string];
  if (member.length <= prefix.length + suffix.length) return null;
  if (!member.startsWith(prefix) || !member.endsWith(suffix)) return null;
  return member.slice(prefix.length, member.length - suffix.length);
}
