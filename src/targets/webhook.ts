import { createHmac, randomUUID } from 'node:crypto';
import type { Connector, MembershipOp, OpResult } from './connector.js';
import { HttpClient, type HttpOptions, printable } from './http.js';

/** Settings of a webhook target (protocol in docs/targets.md). */
export interface WebhookConfig {
  /** Receiver URL (from `url_env`). Never printed beyond its path. */
  url: string;
  /** HMAC key (from `secret_env`), at least 16 characters. Never printed. */
  secret: string;
  /** Operations per signed POST (default 100); each batch is applied all-or-nothing by the receiver. */
  batchSize?: number;
  http?: Pick<HttpOptions, 'timeoutMs' | 'retries' | 'baseDelayMs' | 'maxDelayMs' | 'sleep'>;
}

export const SIGNATURE_HEADER = 'x-jit-signature-256';
export const TIMESTAMP_HEADER = 'x-jit-timestamp';
export const NONCE_HEADER = 'x-jit-nonce';

/**
 * `sha256=<hex>` of HMAC-SHA256(secret, `<timestamp>.<nonce>.<raw body>`). The timestamp and the
 * nonce are signed so a receiver can refuse old and repeated deliveries (replays).
 */
export function webhookSignature(
  secret: string,
  timestamp: string,
  nonce: string,
  body: string,
): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${nonce}.${body}`, 'utf8');
  return `sha256=${mac.digest('hex')}`;
}

/**
 * Connector for a receiver of signed JSON POSTs: `list` asks for members of groups, `apply` sends
 * the operations, and any 2xx means all were applied. Every attempt, retries included, is signed
 * afresh with the current time and a new nonce.
 */
export class WebhookConnector implements Connector {
  readonly type = 'webhook';
  private readonly http: HttpClient;
  private readonly batchSize: number;

  constructor(private readonly config: WebhookConfig) {
    if (config.secret.length < 16) {
      throw new Error('webhook: the secret must be at least 16 characters');
    }
    this.batchSize = Math.max(1, config.batchSize ?? 100);
    this.http = new HttpClient({
      label: 'webhook',
      baseUrl: config.url,
      secrets: [config.secret],
      ...config.http,
    });
  }

  /** Total HTTP requests sent by this connector so far. */
  get requests(): number {
    return this.http.requests;
  }

  async listMembers(groups: readonly string[]): Promise<Map<string, Set<string>>> {
    let json: unknown;
    try {
      json = (await this.post({ kind: 'list', groups })).json;
    } catch (err) {
      throw new Error(`webhook: listing members: ${message(err)}`);
    }
    const members = (json as { members?: unknown } | undefined)?.members;
    if (!members || typeof members !== 'object' || Array.isArray(members)) {
      throw new Error('webhook: listing members: the answer has no "members" object');
    }
    const out = new Map<string, Set<string>>();
    for (const g of groups) {
      const list = Object.hasOwn(members, g) ? (members as Record<string, unknown>)[g] : undefined;
      if (list === undefined) {
        throw new Error(
          `webhook: the receiver did not report group "${printable(g)}" (does it exist?)`,
        );
      }
      if (!Array.isArray(list) || !list.every((m) => typeof m === 'string')) {
        throw new Error(`webhook: members of group "${printable(g)}" must be an array of strings`);
      }
      out.set(g, new Set(list));
    }
    return out;
  }

  /** Sends the operations in batches; the batch's request count is reported on its first op. */
  async apply(ops: readonly MembershipOp[]): Promise<OpResult[]> {
    const results: OpResult[] = [];
    for (let i = 0; i < ops.length; i += this.batchSize) {
      const batch = ops.slice(i, i + this.batchSize);
      const before = this.http.requests;
      const operations = batch.map(({ action, group, member, reason }) => ({
        action,
        group,
        member,
        reason,
      }));
      let error: string | undefined;
      try {
        await this.post({ kind: 'apply', operations });
      } catch (err) {
        error = `webhook: applying ${batch.length} operation(s): ${message(err)}`;
      }
      const cost = this.http.requests - before;
      batch.forEach((op, j) => {
        const requests = j === 0 ? cost : 0;
        results.push(
          error === undefined ? { op, ok: true, requests } : { op, ok: false, error, requests },
        );
      });
    }
    return results;
  }

  private post(payload: unknown) {
    return this.http.request({
      method: 'POST',
      path: '',
      body: JSON.stringify(payload),
      headers: (body) => {
        const timestamp = String(Math.floor(Date.now() / 1000));
        const nonce = randomUUID();
        return {
          [TIMESTAMP_HEADER]: timestamp,
          [NONCE_HEADER]: nonce,
          [SIGNATURE_HEADER]: webhookSignature(this.config.secret, timestamp, nonce, body ?? ''),
        };
      },
    });
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
