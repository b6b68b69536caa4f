/**
 * Everything the demo starts is registered here and torn down in reverse order: at the end, on
 * a failure, and on Ctrl-C / SIGTERM / SIGHUP. All files live under one temporary directory,
 * which is also removed synchronously when the process exits, whatever happened: TMPDIR points
 * into it, so the fake GitHub's bare repository and the PostgreSQL data directory land there too,
 * even when an interruption catches them half-started.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Cleanup = { name: string; run: () => unknown };

export class Stage {
  /** The demo's private directory (checkouts, runner files). */
  readonly dir: string;
  private readonly cleanups: Cleanup[] = [];
  private tearing: Promise<void> | undefined;
  /** Set when a signal stopped the demo (failures after it are expected, not reported). */
  interrupted = false;
  /** The exit code a signal asks for (128 + its number). */
  signalExit: number | undefined;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'jit-demo-'));
    // The PostgreSQL data directory inside belongs to the `postgres` OS user when run as root:
    // it must be able to traverse this one (nobody can list it).
    chmodSync(this.dir, 0o711);
    process.env.TMPDIR = this.dir;
    process.once('exit', () => rmSync(this.dir, { recursive: true, force: true }));
  }

  /** Registers a cleanup and returns the value: `stage.own('x', await start(), (s) => s.close())`. */
  own<T>(name: string, value: T, cleanup: (value: T) => unknown): T {
    if (this.tearing) {
      // Started while tearing down (an interruption during start-up): stop it at once.
      void Promise.resolve()
        .then(() => cleanup(value))
        .catch(() => {});
      return value;
    }
    this.cleanups.push({ name, run: () => cleanup(value) });
    return value;
  }

  /** Runs every cleanup once, newest first; a failing one is reported and the rest still run. */
  teardown(): Promise<void> {
    this.tearing ??= (async () => {
      for (const c of this.cleanups.splice(0).reverse()) {
        try {
          await Promise.race([
            c.run(),
            new Promise((_, reject) =>
              setTimeout(() => reject(new Error('timed out after 10 s')), 10_000).unref(),
            ),
          ]);
        } catch (e) {
          process.stderr.write(`cleanup of ${c.name} failed: ${(e as Error).message}\n`);
        }
      }
      rmSync(this.dir, { recursive: true, force: true });
    })();
    return this.tearing;
  }

  /** On Ctrl-C, SIGTERM or SIGHUP: say so, tear down, exit 128 + signal number. */
  trapSignals(onSignal: () => void = () => {}): void {
    const codes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
    for (const [signal, code] of Object.entries(codes)) {
      process.on(signal, () => {
        if (this.interrupted) return; // already stopping: a second Ctrl-C does not cut it short
        this.interrupted = true;
        this.signalExit = code;
        process.stderr.write(`\n${signal}: stopping the demo and removing what it started…\n`);
        onSignal();
        void this.teardown().then(() => process.exit(code));
      });
    }
  }
}
