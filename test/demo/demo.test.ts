import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { REPO } from '../support/cli.js';

// The README's second command, as a user types it: `npm run demo` in the repository root, with
// the committed dist/ and bin/. On a timeout the whole process group gets Ctrl-C (SIGINT), then
// SIGKILL, so a hung demo cannot outlive the test.

const TIMEOUT_MS = 90_000;
const demoDirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith('jit-demo-'));

function runDemo(): Promise<{ code: number | null; out: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('npm', ['run', '-s', 'demo'], {
      cwd: REPO,
      env: { ...process.env, NO_COLOR: '1' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const group = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {}
    };
    const interrupt = setTimeout(() => group('SIGINT'), TIMEOUT_MS);
    const kill = setTimeout(() => group('SIGKILL'), TIMEOUT_MS + 15_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(interrupt);
      clearTimeout(kill);
      resolve({ code, out, ms: performance.now() - t0 });
    });
  });
}

describe('npm run demo', () => {
  it(
    'runs the whole lifecycle on local stand-ins, exit 0, in under a minute, leaving nothing behind',
    async () => {
      const before = demoDirs();
      const { code, out, ms } = await runDemo();
      console.log(`npm run demo: exit ${code} in ${(ms / 1000).toFixed(1)} s`);
      expect(code, out).toBe(0);
      expect(ms).toBeLessThan(60_000);
      expect(out).not.toMatch(/\u001b\[/); // NO_COLOR and not a terminal: plain text

      const steps = [...out.matchAll(/^(\d)\. /gm)].map((m) => Number(m[1]));
      expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7]);
      // 2: pending, reviews requested from the approvers.
      expect(out).toMatch(/^ +verdict +pending$/m);
      expect(out).toMatch(/^ +reviews requested +@acme\/procurement-leads$/m);
      // 3: self-approval ignored.
      expect(out).toMatch(/\*\*I_SELF\*\* the pull request author cannot approve it/);
      expect(out).toMatch(/^ +verdict +pending \(still\)$/m);
      // 4: approved, merged with trailers.
      expect(out).toMatch(/^ +verdict +approved$/m);
      expect(out).toMatch(/^ +Jit-Grant: grants\/coupa\/alice-invoice-approver-proc-5012\.yaml$/m);
      expect(out).toMatch(/^ +Jit-Approved-By: carol$/m);
      expect(out).toMatch(/^ +Jit-Policy: policies\/coupa\.yaml@[0-9a-f]{40}$/m);
      // 5: sync adds alice, as the SCIM server (and PostgreSQL, when installed) report it.
      expect(out).toMatch(/coupa \(scim\): added 1, removed 0/);
      expect(out).toMatch(/SCIM group "JIT Coupa Invoice Approvers": alice@acme\.example, /);
      const postgres = !/procurement-db +skipped: /.test(out);
      if (postgres) {
        expect(out).toMatch(/procurement-db \(postgres\): added 1, removed 0/);
        expect(out).toMatch(/PostgreSQL role jit_proc_readonly: alice$/m);
      }
      // 6: after expires_at, sync revokes; the expiry job merges the removal with Jit-Expired.
      expect(out).toMatch(/coupa \(scim\): added 0, removed 1/);
      expect(out).toMatch(/Access revoked/);
      expect(out).toMatch(
        /SCIM group "JIT Coupa Invoice Approvers": coupa-breakglass@acme\.example \(break-glass/,
      );
      if (postgres) expect(out).toMatch(/PostgreSQL role jit_proc_readonly: \(no members\)$/m);
      expect(out).toMatch(
        /^ +Jit-Expired: grants\/coupa\/alice-invoice-approver-proc-5012\.yaml$/m,
      );
      // 7: the audit timeline from git log, and provenance verified.
      expect(out).toMatch(
        /^ +\S+Z +granted +grants\/coupa\/alice-invoice-approver-proc-5012\.yaml +alice +invoice-approver +alice +carol +PROC-5012 +#1 /m,
      );
      expect(out).toMatch(
        /^ +\S+Z +expired +grants\/coupa\/alice-invoice-approver-proc-5012\.yaml +alice +invoice-approver +alice +- +PROC-5012 +#2 /m,
      );
      expect(out).toMatch(
        new RegExp(`verify: ok, all ${postgres ? 2 : 1} grant\\(s\\) on [0-9a-f]{12} arrived`),
      );
      expect(out).toMatch(/What you just saw/);

      expect(demoDirs().filter((d) => !before.includes(d))).toEqual([]);
    },
    TIMEOUT_MS + 20_000,
  );
});
