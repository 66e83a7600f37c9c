import { request } from 'node:http';

export interface LoadCounts {
  readonly sent: number;
  readonly ok: number;
  readonly failed: number;
  /** Each answer's body, in order of arrival (bodies of failed requests left out). */
  readonly answers: readonly string[];
  /** When each failure happened (ms since the epoch). */
  readonly failedAt: readonly number[];
}

/**
 * Sends GETs to `url` from `concurrency` loops, each waiting for its answer
 * before the next: steady load without overwhelming a small host. A request
 * fails on a network error, a status other than 200, or 5 s without an answer.
 */
export function startLoad(url: string, concurrency: number): { stop(): Promise<LoadCounts>; counts(): LoadCounts } {
  let running = true;
  const counts = { sent: 0, ok: 0, failed: 0, answers: [] as string[], failedAt: [] as number[] };
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      counts.sent++;
      const answer = await get(url);
      if (answer === undefined) {
        counts.failed++;
        counts.failedAt.push(Date.now());
      } else {
        counts.ok++;
        counts.answers.push(answer);
      }
    }
  });
  return {
    counts: () => ({ ...counts, answers: [...counts.answers], failedAt: [...counts.failedAt] }),
    async stop() {
      running = false;
      await Promise.all(loops);
      return counts;
    },
  };
}

function get(url: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(res.statusCode === 200 ? body.trim() : undefined));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}
