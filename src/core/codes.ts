/** Reason codes of shared/SPEC.md §5, plus the warnings and audit codes the CLI adds. */
export const DENY_CODES = [
  'E_YAML',
  'E_ENCODING',
  'E_TOO_LARGE',
  'E_SCHEMA',
  'E_PATH',
  'E_SYMLINK',
  'E_UNKNOWN_SYSTEM',
  'E_UNKNOWN_ROLE',
  'E_POLICY_INVALID',
  'E_TIME_FORMAT',
  'E_EXPIRED',
  'E_WINDOW',
  'E_DURATION',
  'E_TICKET',
  'E_JUSTIFICATION',
  'E_REQUESTER_MISMATCH',
  'E_NOT_ELIGIBLE',
  'E_IMMUTABLE_FIELD',
  'E_MIXED_CHANGE',
  'E_BASE_BRANCH',
  'E_OVERLAP',
  'E_SOD_CONFLICT',
  'E_CHANGES_REQUESTED',
  'E_UNOWNED',
  'E_CODEOWNERS_INVALID',
] as const;
export const PENDING_CODES = ['P_APPROVALS', 'P_CODEOWNER'] as const;
export const IGNORED_CODES = [
  'I_SELF',
  'I_REQUESTER',
  'I_SUBJECT',
  'I_CONTRIBUTOR',
  'I_BOT',
  'I_NO_WRITE',
  'I_NOT_APPROVER',
  'I_NOT_MEMBER',
  'I_STALE',
  'I_SUPERSEDED',
] as const;
/** Non-blocking observations (`jit check` warnings). */
export const WARNING_CODES = ['W_EXPIRED', 'W_TEAM_UNVERIFIED'] as const;
/** Provenance failures found by `jit audit --verify`. */
export const AUDIT_CODES = ['E_PROVENANCE'] as const;

export type DenyCode = (typeof DENY_CODES)[number];
export type PendingCode = (typeof PENDING_CODES)[number];
export type IgnoredCode = (typeof IGNORED_CODES)[number];
export type WarningCode = (typeof WARNING_CODES)[number];
export type AuditCode = (typeof AUDIT_CODES)[number];
export type Code = DenyCode | PendingCode | IgnoredCode | WarningCode | AuditCode;

/**
 * One finding: a machine-readable code and a sentence that names the file, the field,
 * the value and the fix. Findings are data; the core never throws for a user mistake.
 */
export interface Finding {
  code: Code;
  message: string;
  /** Repository-relative path of the file the finding is about. */
  path?: string;
  /** Dotted field inside the file, when the finding is about one field. */
  field?: string;
  /** 1-based line, when known (used for annotations). */
  line?: number;
}

export function finding(
  code: Code,
  message: string,
  extra: Omit<Finding, 'code' | 'message'> = {},
): Finding {
  return { code, message, ...extra };
}
