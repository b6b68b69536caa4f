import type { Code } from '../codes.js';
import { canWrite, isHuman, type People, type Person, personKey } from './people.js';
import type { Review } from './snapshot.js';

const DECISIVE = new Set(['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED']);

export interface ReviewerState {
  person: Person;
  latest: Review;
  /** Earlier decisive reviews of the same person (ignored as I_SUPERSEDED when approvals). */
  superseded: Review[];
}

/**
 * Each reviewer's latest decisive review (APPROVED, CHANGES_REQUESTED, DISMISSED). Comments
 * never count and never supersede. Order: submitted_at, then review id (GitHub ids grow).
 */
export function latestDecisive(reviews: Review[], people: People): ReviewerState[] {
  const sorted = reviews
    .filter((r) => DECISIVE.has(r.state))
    .sort((a, b) => (a.submitted_at ?? '').localeCompare(b.submitted_at ?? '') || a.id - b.id);
  const byReviewer = new Map<string, ReviewerState>();
  for (const r of sorted) {
    const person = people.resolve(r.user);
    if (!person) continue;
    const key = personKey(person);
    const prev = byReviewer.get(key);
    if (prev) {
      prev.superseded.push(prev.latest);
      prev.latest = r;
    } else {
      byReviewer.set(key, { person, latest: r, superseded: [] });
    }
  }
  return [...byReviewer.values()];
}

/** The people whose approval of this grant can never count, with the reason code. */
export interface Exclusions {
  author?: Person;
  requester?: Person;
  subject?: Person;
  contributors: Person[];
  headSha: string;
}

/**
 * Why an APPROVED review cannot count for anything, or undefined when it is a valid approval
 * before team/owner membership is considered. Order matters only for which reason is shown.
 */
export function approvalProblem(
  state: ReviewerState,
  ex: Exclusions,
  people: People,
): Code | undefined {
  const p = state.person;
  if (!isHuman(p)) return p.type === 'Unknown' ? 'I_NO_WRITE' : 'I_BOT';
  if (people.same(p, ex.author)) return 'I_SELF';
  if (people.same(p, ex.requester)) return 'I_REQUESTER';
  if (people.same(p, ex.subject)) return 'I_SUBJECT';
  if (ex.contributors.some((c) => people.same(p, c))) return 'I_CONTRIBUTOR';
  if (state.latest.commit_id !== ex.headSha) return 'I_STALE';
  if (!canWrite(p)) return 'I_NO_WRITE';
  return undefined;
}
