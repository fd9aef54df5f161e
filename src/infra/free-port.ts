import net from 'node:net';

/**
 * Asks the OS for a port nobody listens on. Another process could still take it before our child
 * binds it; callers start their server right away, which makes that unlikely on a dev machine.
 */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
