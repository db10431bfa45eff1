import { createServer as createTlsServer } from 'node:tls';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { CachesetLogger } from '@cacheset/core';

/** What a recording proxy received. */
export interface ReceivedRequest {
  readonly method: string;
  /** The request target exactly as on the wire. */
  readonly url: string;
  readonly host: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Which TCP connection carried it (1, 2, ...). */
  readonly connection: number;
}

export type Responder = (
  request: ReceivedRequest,
  index: number,
) => { status: number; body?: string; delayMs?: number } | undefined;

/**
 * A minimal HTTP/1.1 server that records every request and answers as `respond` says (200 "Purged" by
 * default), with keep-alive. It parses requests itself because node:http refuses methods it does not
 * know (BAN, PURGEKEYS), which Varnish accepts. It stands in for a proxy only where a test is about
 * the wire form or delivery mechanics; what a real proxy does with the requests is proven against
 * Varnish in test/purge-*.spec.ts.
 */
export class RecordingProxy {
  readonly received: ReceivedRequest[] = [];
  connections = 0;
  inFlight = 0;
  maxInFlight = 0;
  respond: Responder = () => undefined;
  readonly #server: NetServer;
  readonly #sockets = new Set<Socket>();
  readonly port: number;

  private constructor(server: NetServer, port: number) {
    this.#server = server;
    this.port = port;
  }

  static async start(options: { https?: { key: string; cert: string }; port?: number } = {}): Promise<RecordingProxy> {
    let proxy: RecordingProxy | undefined;
    const onSocket = (socket: Socket): void => (proxy as RecordingProxy).#serve(socket);
    const server = options.https === undefined ? createNetServer(onSocket) : createTlsServer(options.https, onSocket);
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    proxy = new RecordingProxy(server, (server.address() as AddressInfo).port);
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  #serve(socket: Socket): void {
    this.connections += 1;
    const connection = this.connections;
    this.#sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => this.#sockets.delete(socket));
    let buffered = Buffer.alloc(0);
    let chain = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.subarray(0, end).toString('latin1');
        const lines = head.split('\r\n');
        const [method = '', url = ''] = (lines[0] ?? '').split(' ');
        const headers: Record<string, string> = {};
        for (const line of lines.slice(1)) {
          const colon = line.indexOf(':');
          if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        const length = Number(headers['content-length'] ?? '0');
        if (buffered.byteLength < end + 4 + length) return;
        buffered = buffered.subarray(end + 4 + length);
        const request: ReceivedRequest = { method, url, host: headers.host ?? '', headers, connection };
        const index = this.received.length;
        this.received.push(request);
        this.inFlight += 1;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        // Answers go out in request order on one connection, as HTTP/1.1 requires.
        chain = chain.then(async () => {
          const answer = this.respond(request, index) ?? { status: 200, body: 'Purged' };
          if (answer.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
          this.inFlight -= 1;
          const body = Buffer.from(answer.body ?? '', 'utf8');
          if (!socket.destroyed)
            socket.write(
              `HTTP/1.1 ${answer.status} X\r\nContent-Type: text/plain\r\nContent-Length: ${body.byteLength}\r\n\r\n${body.toString('utf8')}`,
            );
        });
      }
    });
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** A TCP server that answers every connection with `reply` (garbage) or never answers (`hang`). */
export class RawProxy {
  readonly #server: NetServer;
  readonly #sockets = new Set<Socket>();
  readonly port: number;
  connections = 0;

  private constructor(server: NetServer, port: number) {
    this.#server = server;
    this.port = port;
  }

  static async start(behaviour: { reply: string } | 'hang'): Promise<RawProxy> {
    let raw: RawProxy | undefined;
    const server = createNetServer((socket) => {
      const self = raw as RawProxy;
      self.connections += 1;
      self.#sockets.add(socket);
      socket.on('error', () => {});
      socket.once('close', () => self.#sockets.delete(socket));
      if (behaviour === 'hang') return;
      socket.once('data', () => socket.end(behaviour.reply));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    raw = new RawProxy(server, (server.address() as AddressInfo).port);
    return raw;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

export interface LogLine {
  readonly level: 'warn' | 'error';
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>> | undefined;
}

export function recordingLogger(): CachesetLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    warn: (message, details) => void lines.push({ level: 'warn', message, details }),
    error: (message, details) => void lines.push({ level: 'error', message, details }),
  };
}

/** A port nothing listens on (the OS picked it a moment ago and it was closed). */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
