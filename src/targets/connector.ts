/**
 * The narrow port every target system implements (SPEC §8 "Sync").
 * A connector knows nothing about grants or policies: it lists, adds and removes members of
 * the groups it is given. `group` is the target-side name from the policy mapping
 * (SCIM displayName, GitHub team slug, PostgreSQL role, webhook group label); `member` is the
 * target-side user (SCIM userName, GitHub login, PostgreSQL member role) after the `user`
 * template was applied.
 */
export interface Connector {
  /** Short type name used in messages: `scim`, `postgres`, `github-team`, `webhook`. */
  readonly type: string;
  /** Current members of each group. A group that does not exist in the target is an error. */
  listMembers(groups: readonly string[]): Promise<Map<string, Set<string>>>;
  /** Apply one plan for this target; returns one result per operation. Never throws for an operation failure. */
  apply(ops: readonly MembershipOp[]): Promise<OpResult[]>;
}

export interface MembershipOp {
  action: 'add' | 'remove';
  group: string;
  member: string;
  /** Human reason, e.g. `grant grants/coupa/alice-invoice-approver-proc-1.yaml active until …`. */
  reason: string;
}

export interface OpResult {
  op: MembershipOp;
  ok: boolean;
  /**
   * When ok: false if the target already was in the requested state (add of a present member,
   * remove of an absent one), true if this call changed it; absent when the connector cannot tell
   * (webhook: the receiver only says "applied").
   */
  changed?: boolean;
  /** Secret-free error text when !ok. */
  error?: string;
  /** Number of HTTP/SQL requests this operation cost (for budgets and benchmarks). */
  requests: number;
}
