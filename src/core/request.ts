import { Document, Scalar, YAMLMap } from 'yaml';
import { GRANT_NAME } from './paths.js';
import { formatInstant } from './time.js';

/** What `jit request` asks for, after the command line was parsed. Times are epoch ms. */
export interface GrantRequest {
  system: string;
  role: string;
  requester: string;
  /** Who receives the access; written only when it differs from the requester. */
  subject?: string;
  ticket?: string;
  justification: string;
  start?: number;
  durationMs: number;
  /** Extra fields the policy's grant_schema declares, in command-line order. */
  fields: Array<[string, string]>;
  now: number;
}

/** A grant file ready to be validated and written. */
export interface GrantDraft {
  path: string;
  content: string;
  startsAt?: number;
  expiresAt: number;
}

/** First line of every grant file, so editors validate it against the shipped schema. */
export const GRANT_SCHEMA_COMMENT =
  '# yaml-language-server: $schema=../../schemas/grant.schema.json';

/**
 * Builds the grant file of a request (SPEC §7 `jit request`): expires_at is max(now, start) plus
 * the duration, the name comes from subject, role and ticket (or the start date), and a name that
 * `taken` reports as existing gets `-2`, `-3`, … so no file is ever overwritten. Pure: whether
 * the grant is acceptable is decided by the same checks as `jit check`, not here.
 */
export function draftGrant(req: GrantRequest, taken: (path: string) => boolean): GrantDraft {
  const from = Math.max(req.now, req.start ?? req.now);
  const expiresAt = from + req.durationMs;
  const subject = req.subject ?? req.requester;
  const base = grantBaseName(subject, req.role, req.ticket, from);
  let path = `grants/${req.system}/${base}.yaml`;
  for (let n = 2; taken(path); n++) path = `grants/${req.system}/${base}-${n}.yaml`;

  const pairs: Array<[string, string]> = [['requester', req.requester]];
  if (req.subject !== undefined && req.subject !== req.requester) {
    pairs.push(['subject', req.subject]);
  }
  pairs.push(['role', req.role]);
  if (req.ticket !== undefined) pairs.push(['ticket', req.ticket]);
  pairs.push(['justification', req.justification], ...req.fields);
  if (req.start !== undefined) pairs.push(['starts_at', formatInstant(req.start)]);
  pairs.push(['expires_at', formatInstant(expiresAt)]);

  return {
    path,
    content: `${GRANT_SCHEMA_COMMENT}\n${renderGrantYaml(pairs)}`,
    ...(req.start !== undefined ? { startsAt: req.start } : {}),
    expiresAt,
  };
}

/** Longest base name, leaving room for a `-NNN` suffix within the 128-character grant name. */
const BASE_MAX = 120;

/**
 * `<subject>-<role>-<ticket>` (or `<subject>-<role>-<yyyy-mm-dd>` of the window start when there
 * is no ticket, as in the example organisation), lower-cased and reduced to the grant-name
 * pattern: any other character becomes `-`, runs of `-` collapse, the name starts alphanumeric.
 */
export function grantBaseName(
  subject: string,
  role: string,
  ticket: string | undefined,
  start: number,
): string {
  const tail = ticket ?? formatInstant(start).slice(0, 10);
  const name = `${subject}-${role}-${tail}`
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, BASE_MAX)
    .replace(/[-._]+$/, '');
  return GRANT_NAME.test(name) ? name : 'grant';
}

/**
 * A scalar that reads as the same string under every YAML schema a tool might apply (failsafe,
 * 1.2 core, 1.1 with its `on`/`yes`/`no` booleans): letters first, then letters, digits and
 * `-` or `_`, and not a keyword. Everything else is double-quoted.
 */
const PLAIN_SAFE = /^[A-Za-z][A-Za-z0-9_-]*$/;
const YAML_KEYWORDS = new Set(['y', 'yes', 'n', 'no', 'true', 'false', 'on', 'off', 'null']);

const isPlainSafe = (s: string): boolean =>
  PLAIN_SAFE.test(s) && !YAML_KEYWORDS.has(s.toLowerCase());

/**
 * Renders string pairs as one YAML mapping where every value stays a string: plain only where
 * that is unambiguous in every schema, otherwise JSON-style double quotes (escapes, one line).
 */
export function renderGrantYaml(pairs: Array<[string, string]>): string {
  const doc = new Document();
  const map = new YAMLMap();
  const scalar = (s: string) => {
    const node = new Scalar(s);
    node.type = isPlainSafe(s) ? 'PLAIN' : 'QUOTE_DOUBLE';
    return node;
  };
  for (const [k, v] of pairs) map.items.push(doc.createPair(scalar(k), scalar(v)));
  doc.contents = map;
  return doc.toString({ lineWidth: 0, doubleQuotedAsJSON: true });
}
