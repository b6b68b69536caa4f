/**
 * A throwaway PostgreSQL cluster for connector tests: initdb in a temporary directory, trust
 * authentication, listening on 127.0.0.1 at a free port and on a private socket directory.
 * PostgreSQL refuses to run as root, so the binaries run as the `postgres` OS user.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PgCluster {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (trust auth: any password is accepted). */
  dsn: string;
  port: number;
  /** Runs one statement as superuser `postgres` on a fresh connection. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params?: unknown[],
  ): Promise<R[]>;
  stop(): Promise<void>;
}

const OS_USER = 'postgres';

/** Directory holding initdb and pg_ctl: PATH, /usr/local/bin, /usr/lib/postgresql/<newest>/bin. */
function findBinDir(): string {
  const candidates = [
    ...(process.env.PATH ?? '').split(':').filter(Boolean),
    '/usr/local/bin',
    ...(existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .sort((a, b) => Number(b) - Number(a))
          .map((v) => `/usr/lib/postgresql/${v}/bin`)
      : []),
  ];
  const dir = candidates.find(
    (d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'pg_ctl')),
  );
  if (!dir) {
    throw new Error(
      'PostgreSQL server binaries (initdb, pg_ctl) not found in PATH, /usr/local/bin or /usr/lib/postgresql/*/bin: run `apt-get install -y postgresql`',
    );
  }
  return dir;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Runs a binary as the postgres OS user (when we are root), argv only, no shell. */
function runAsPostgres(bin: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const [cmd, argv] = asRoot ? ['runuser', ['-u', OS_USER, '--', bin, ...args]] : [bin, args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) {
    throw new Error(`${bin} ${args[0]} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
  }
}

function ensureOsUser(): void {
  if (process.getuid?.() !== 0) return;
  const exists = spawnSync('id', ['-u', OS_USER]).status === 0;
  if (!exists) execFileSync('useradd', ['--system', '--no-create-home', OS_USER]);
}

/** Starts a cluster (about 1 s); `stop()` and process exit remove it. */
export async function startPostgres(): Promise<PgCluster> {
  const bin = findBinDir();
  ensureOsUser();
  const root = mkdtempSync(join(tmpdir(), 'jit-pg-'));
  const data = join(root, 'data');
  const sock = join(root, 's');
  mkdirSync(sock);
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', OS_USER], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', OS_USER], { encoding: 'utf8' }).trim());
    chownSync(root, uid, gid);
    chownSync(sock, uid, gid);
  }
  const pgCtl = join(bin, 'pg_ctl');
  let running = false;
  const cleanup = () => {
    if (running) {
      spawnSync(
        process.getuid?.() === 0 ? 'runuser' : pgCtl,
        process.getuid?.() === 0
          ? ['-u', OS_USER, '--', pgCtl, '-D', data, '-m', 'immediate', '-w', 'stop']
          : ['-D', data, '-m', 'immediate', '-w', 'stop'],
        { timeout: 30_000 },
      );
      running = false;
    }
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', cleanup);

  try {
    runAsPostgres(join(bin, 'initdb'), [
      '-D',
      data,
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
      '-E',
      'UTF8',
      '--locale=C',
    ]);
    const port = await freePort();
    runAsPostgres(pgCtl, [
      '-D',
      data,
      '-l',
      join(root, 'log'),
      '-o',
      `-p ${port} -k ${sock} -c listen_addresses=127.0.0.1 -c fsync=off`,
      '-w',
      'start',
    ]);
    running = true;
    const dsn = `postgres://postgres@127.0.0.1:${port}/postgres`;
    return {
      dsn,
      port,
      query: async (sql, params) => {
        const client = new pg.Client({ connectionString: dsn });
        await client.connect();
        try {
          return (await client.query(sql, params)).rows;
        } finally {
          await client.end();
        }
      },
      stop: async () => {
        process.removeListener('exit', cleanup);
        cleanup();
      },
    };
  } catch (err) {
    process.removeListener('exit', cleanup);
    cleanup();
    throw err;
  }
}
