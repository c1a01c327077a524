/** Free TCP ports on loopback, so parallel runs and other software never collide with the test servers. */
import * as net from 'node:net';

// Ports already handed out by this process: the OS may return a port again once our probe socket closed
// and before the server we start binds it, so we never hand out the same port twice.
const handedOut = new Set<number>();

/** Asks the kernel for an unused port on 127.0.0.1 (bind to port 0), then releases it for the caller's server. */
export async function getFreePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.unref();
      server.once('error', reject);
      server.listen({ host, port: 0, exclusive: true }, () => {
        const address = server.address();
        const p = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(p));
      });
    });
    if (port > 0 && !handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`could not find a free port on ${host}`);
}
