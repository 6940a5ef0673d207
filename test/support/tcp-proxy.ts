import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy between the app and its database, which a test cuts and restores to play a network failure or a
 * database restart. `cut()` drops every connection through it and holds new ones open without an answer, as a
 * partition does (no refusal for the client to notice quickly); `restore()` closes the held ones and forwards again.
 */
export class TcpProxy {
  private readonly open = new Set<Socket>();
  private cutOff = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new TcpProxy(server, (server.address() as { port: number }).port);
    server.on('connection', (client) => proxy.accept(client, target));
    return proxy;
  }

  /** Drops every connection and answers none until `restore()`. */
  cut(): void {
    this.cutOff = true;
    this.dropAll();
  }

  restore(): void {
    this.cutOff = false;
    // The connections held during the cut never reached the database: the client sees them fail, and opens anew.
    this.dropAll();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: Socket, target: { host: string; port: number }): void {
    this.track(client);
    if (this.cutOff) return;
    const upstream = createConnection(target);
    this.track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
  }

  private track(socket: Socket): void {
    this.open.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.open.delete(socket));
  }

  private dropAll(): void {
    for (const socket of this.open) socket.destroy();
    this.open.clear();
  }
}
