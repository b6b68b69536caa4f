/**
 * The run's API budget as the expire job plans with it (like actions/stale's operations
 * counter). The port counts every request and throws at the hard limit; this lets the job
 * look ahead, so it skips optional work and never starts a write sequence it cannot finish.
 */
export class Budget {
  constructor(
    private readonly counter: { readonly requests: number },
    readonly limit: number,
  ) {}

  get used(): number {
    return this.counter.requests;
  }

  get left(): number {
    return this.limit - this.counter.requests;
  }

  /** True when `n` more requests fit after keeping `reserve` for later work. */
  allows(n: number, reserve = 0): boolean {
    return this.left - reserve >= n;
  }
}

/**
 * Most requests one removal pull request can take once its reads are done: tree, commit,
 * branch (+ 3 to converge on an existing branch), pull request, label, the race check, the
 * approval status and the merge.
 */
export const REMOVAL_REQUESTS = 12;
/** Requests to close one stale access request: the comment and the close. */
export const CLOSE_REQUESTS = 2;
/** Grant files read per access request at its head (a request normally adds one). */
export const GRANT_READS_PER_REQUEST = 3;
