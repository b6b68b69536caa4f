import type { PullRequestInfo } from './port.js';

/** The fields of GitHub's pull request object the adapters read. */
export type Pr = {
  number: number;
  user: { login: string; id: number } | null;
  head: { sha: string; ref: string; repo?: { full_name?: string } | null };
  base: { ref: string };
  state: string;
  merged?: boolean | null;
  merged_at?: string | null;
  draft?: boolean;
  title: string;
  body: string | null;
  labels: Array<{ name?: string } | string>;
  created_at: string;
  updated_at: string;
};

/** GitHub's pull request JSON to the port's PullRequestInfo. */
export const pr = (p: Pr): PullRequestInfo => ({
  number: p.number,
  author: { login: p.user?.login ?? 'ghost', id: p.user?.id ?? 0 },
  headSha: p.head.sha,
  headRef: p.head.ref,
  ...(p.head.repo?.full_name ? { headRepo: p.head.repo.full_name } : {}),
  baseRef: p.base.ref,
  state: p.state === 'open' ? 'open' : 'closed',
  merged: !!(p.merged ?? p.merged_at),
  draft: !!p.draft,
  title: p.title,
  body: p.body ?? '',
  labels: p.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))),
  createdAt: p.created_at,
  updatedAt: p.updated_at,
});
