import { GRANT_MAX_BYTES, GRANT_MAX_DEPTH } from '../grant.js';
import { cleanText } from '../inert.js';
import { decodeFile } from '../load/decode.js';
import { parseStrictYaml } from '../load/yaml-strict.js';
import type { Grant } from '../model.js';
import { parseGrantPath } from '../paths.js';
import { formatInstant, parseInstant } from '../time.js';
import type { BlobContent } from './history.js';

/**
 * What the audit reads from a grant file as it was at some commit. History is reported as it
 * is, not judged: a file that would fail today's policy still yields its fields; one that does
 * not parse at all yields none and a `problem` sentence for the event's notes.
 */
export interface GrantContent {
  /** Top-level string fields as written (every grant scalar is a string, SPEC §2). */
  fields: Record<string, string>;
  startsAt?: number;
  expiresAt?: number;
  /** The valid times in canonical UTC form (2026-12-05T17:00:00Z). */
  starts_at?: string;
  expires_at?: string;
  problem?: string;
}

export type ContentReader = (blob: string | null, mode: string, path: string) => GrantContent;

const SYMLINK: GrantContent = { fields: {}, problem: 'the file is a symbolic link, not a grant' };
const SUBMODULE: GrantContent = { fields: {}, problem: 'the path is a submodule, not a grant' };
const NONE: GrantContent = { fields: {}, problem: 'no content' };

/**
 * A reader over `blobs` that parses each blob once (the same blob under several paths or in
 * several commits is common: a removal reads what the addition wrote). What it returns does not
 * depend on the path: `problem` sentences carry no path.
 */
export function contentReader(blobs: Map<string, BlobContent>): ContentReader {
  const cache = new Map<string, GrantContent>();
  return (blob, mode, path) => {
    if (blob === null) return NONE;
    if (mode === '120000') return SYMLINK;
    if (mode === '160000') return SUBMODULE;
    let c = cache.get(blob);
    if (!c) {
      c = readContent(blobs.get(blob), path);
      cache.set(blob, c);
    }
    return c;
  };
}

function readContent(b: BlobContent | undefined, path: string): GrantContent {
  if (!b) {
    return {
      fields: {},
      problem:
        'the content is not in this clone (shallow or partial clone); fetch the full history',
    };
  }
  if (!b.bytes) {
    return {
      fields: {},
      problem: `the file is ${b.size} bytes, over the ${GRANT_MAX_BYTES / 1024} KiB limit of a grant file`,
    };
  }
  const text = decodeFile(b.bytes, path, GRANT_MAX_BYTES);
  if (!text.ok) return { fields: {}, problem: withoutPath(text.errors[0]!.message, path) };
  // parseStrictYaml takes the flat fast path itself for the files the gate writes.
  const parsed = parseStrictYaml(text.value, {
    schema: 'failsafe',
    maxDepth: GRANT_MAX_DEPTH,
    path,
  });
  if (!parsed.ok) return { fields: {}, problem: withoutPath(parsed.errors[0]!.message, path) };
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed.value)) if (typeof v === 'string') fields[k] = v;
  const out: GrantContent = { fields };
  const problems: string[] = [];
  for (const key of ['starts_at', 'expires_at'] as const) {
    const v = fields[key];
    if (v === undefined) continue;
    const t = parseInstant(v);
    if (t.ok) {
      if (key === 'starts_at') out.startsAt = t.ms;
      else out.expiresAt = t.ms;
      out[key] = formatInstant(t.ms);
    } else problems.push(`${key} "${oneLine(v, 40)}" ${t.why}`);
  }
  if (fields.expires_at === undefined) problems.push('expires_at is missing');
  if (problems.length > 0) out.problem = problems.join('; ');
  return out;
}

function withoutPath(message: string, path: string): string {
  return message.startsWith(`${path}`)
    ? message.slice(path.length).replace(/^:\d*:?\s*/, '')
    : message;
}

/** User-written text made safe for one terminal line: invisible characters removed, capped. */
export function oneLine(s: string, max = 120): string {
  const t = cleanText(s).replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/**
 * The content as a Grant, for the gate's comparison rules (`isNarrowing`, `changedIdentity`), so
 * the audit and the gate classify a change the same way. Not validated against a policy;
 * undefined when the file does not read as a grant.
 */
export function contentAsGrant(path: string, c: GrantContent): Grant | undefined {
  const where = parseGrantPath(path);
  if (!where.ok || c.problem || c.expiresAt === undefined) return undefined;
  const f = c.fields;
  return {
    path,
    system: where.value.system,
    name: where.value.name,
    requester: f.requester ?? '',
    subject: f.subject ?? f.requester ?? '',
    role: f.role ?? '',
    ...(f.ticket !== undefined ? { ticket: f.ticket } : {}),
    justification: f.justification ?? '',
    ...(c.startsAt !== undefined ? { startsAt: c.startsAt } : {}),
    expiresAt: c.expiresAt,
    fields: f,
  };
}
