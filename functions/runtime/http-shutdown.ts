import type { Server } from 'node:http';

/**
 * Closing an HTTP server within a deadline. `server.close()` alone waits for
 * every open connection: a client's keep-alive connection, or a request
 * still being answered (a held agent poll), would keep a stopping dev mode
 * alive for as long as the client likes.
 */
export interface ClosableHttpServer {
  /**
   * Stops accepting connections, closes each connection as soon as it has
   * no request in flight, and after `graceMs` closes the rest. Resolves once
   * every connection is gone.
   */
  close(graceMs: number): Promise<void>;
}

export function closableHttpServer(server: Server): ClosableHttpServer {
  let closing = false;
  // A connection whose response just finished is idle: close it then, not at the deadline.
  server.on('request', (_request, response) => {
    response.once('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  return {
    async close(graceMs) {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
      try {
        await closed;
      } finally {
        clearTimeout(deadline);
      }
    },
  };
}
