import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleCopy, jit } from '../support/cli.js';

describe('jit expire (offline plan from the working tree)', () => {
  it('lists the expired grants of the example organisation, changes nothing, exits 0', async () => {
    const dir = exampleCopy();
    const r = await jit(['expire', '--root', dir, '--now', '2026-12-04T20:00:00Z']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('jit/expire/20261204T200000Z');
    expect(r.stdout).toContain('grants/coupa/alice-invoice-approver-proc-4821.yaml');
    expect(r.stdout).not.toContain('grants/coupa/alice-invoice-approver-proc-4951.yaml');
    expect(r.stdout).toContain('Nothing was changed.');
  });

  it('--json: the plan, with load errors left alone', async () => {
    const dir = exampleCopy();
    writeFileSync(join(dir, 'grants/coupa/broken.yaml'), 'requester: [unclosed\n');
    const r = await jit(['expire', '--json', '--dry-run', '--root', dir]);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.branch).toBe('jit/expire/20261204T200000Z');
    expect(plan.remove.length).toBeGreaterThan(0);
    for (const g of plan.remove)
      expect(Date.parse(g.expires_at)).toBeLessThanOrEqual(Date.parse('2026-12-04T20:00:00Z'));
    expect(plan.remove.map((g: { path: string }) => g.path)).not.toContain(
      'grants/coupa/broken.yaml',
    );
    expect(plan.skipped).toEqual([
      expect.objectContaining({ path: 'grants/coupa/broken.yaml', kind: 'load-error' }),
    ]);
    expect(plan.errors[0]).toMatchObject({ code: 'E_YAML', path: 'grants/coupa/broken.yaml' });
  });

  it('nothing expired at an early --now; a bad --now is a usage error', async () => {
    const dir = exampleCopy();
    const early = await jit(['expire', '--root', dir, '--now', '2026-01-01T00:00:00Z']);
    expect(early.code).toBe(0);
    expect(early.stdout).toContain('No expired grant to remove.');
    const bad = await jit(['expire', '--root', dir, '--now', 'tomorrow']);
    expect(bad.code).toBe(2);
  });
});
