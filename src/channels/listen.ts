import type { Server } from 'node:http';

/** Starts `server` on `port` (and `host`), rejecting instead of crashing when the port is taken. */
export async function listen(server: Server, { port, host }: { readonly port: number; readonly host?: string }): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
