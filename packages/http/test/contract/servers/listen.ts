import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ContractServer } from '../fixture.js';

/** Listens on a free port of 127.0.0.1 (the OS picks it) and closes with keep-alive sockets dropped. */
export async function listenOnFreePort(server: Server): Promise<ContractServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}
