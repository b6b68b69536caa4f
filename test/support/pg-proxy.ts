/**
 * A loopback TCP proxy in front of a PostgreSQL server that records the SQL text of every
 * statement the client sends (simple `Query` and extended `Parse` messages of the frontend
 * protocol), so a test can count write statements and see exactly what reached the server.
 * `down = true` makes it close every new connection at once (the database is unreachable).
 */
import { connect, createServer, type Socket } from 'node:net';

export interface PgProxy {
  port: number;
  /** SQL text of each statement, in order, across all connections. */
  statements: string[];
  /** Connections accepted (including refused ones while down). */
  connections: number;
  down: boolean;
  close(): Promise<void>;
}

export async function startPgProxy(targetPort: number): Promise<PgProxy> {
  const sockets = new Set<Socket>();
  const proxy: PgProxy = {
    port: 0,
    statements: [],
    connections: 0,
    down: false,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = createServer((client) => {
    proxy.connections++;
    if (proxy.down) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    upstream.pipe(client);
    let buf = Buffer.alloc(0);
    let started = false;
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (!started) {
          // Startup (or SSLRequest): Int32 length, no type byte.
          if (buf.length < 4) break;
          const len = buf.readInt32BE(0);
          if (buf.length < len) break;
          const code = buf.readInt32BE(4);
          buf = buf.subarray(len);
          if (code !== 80877103) started = true; // SSLRequest is followed by a real startup
          continue;
        }
        if (buf.length < 5) break;
        const type = String.fromCharCode(buf[0]!);
        const len = buf.readInt32BE(1);
        if (buf.length < 1 + len) break;
        const body = buf.subarray(5, 1 + len);
        buf = buf.subarray(1 + len);
        if (type === 'Q') proxy.statements.push(cstring(body, 0));
        if (type === 'P') {
          const nameEnd = body.indexOf(0);
          proxy.statements.push(cstring(body, nameEnd + 1));
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as { port: number }).port;
  return proxy;
}

function cstring(buf: Buffer, start: number): string {
  const end = buf.indexOf(0, start);
  return buf.subarray(start, end < 0 ? buf.length : end).toString('utf8');
}
