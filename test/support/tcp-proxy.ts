import net from 'node:net';

/**
 * A TCP proxy of the chaos run's own between its processes and RabbitMQ: cutting it drops exactly this
 * installation's broker connections (and refuses new ones for a while), so a run can take the broker away from
 * Plantgate without touching the broker other tests on the machine share.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  const open = new Set<net.Socket>();
  let refusingUntil = 0;
  let cuts = 0;
  const server = net.createServer((client) => {
    if (Date.now() < refusingUntil) return void client.destroy();
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    /** Drops every proxied connection and refuses new ones for `ms`: the broker is unreachable for that long. */
    cut(ms: number) {
      cuts += 1;
      refusingUntil = Date.now() + ms;
      for (const socket of open) socket.destroy();
    },
    /** Takes connections again at once (a cut's refusal ends early). */
    restore() {
      refusingUntil = 0;
    },
    get cuts() {
      return cuts;
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type TcpProxy = Awaited<ReturnType<typeof startTcpProxy>>;

/** A port nothing listens on right now, for a process that must come back on the same one after a restart. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
