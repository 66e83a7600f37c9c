import { request } from 'node:http';

export interface LoadCounts {
  readonly sent: number;
  readonly ok: number;
  readonly failed: number;
  /** Each answer's body, in order of arrival (bodies of failed requests left out). */
  readonly answers: readonly string[];
  /** When each failure happened (ms since the epoch). */
  readonly failedAt: readonly number[];
  /** What each failure was: the status of an answer other than 200, or the network error's code. */
  readonly failures: readonly string[];
}

/**
 * Sends GETs to `url` from `concurrency` loops, each waiting for its answer
 * before the next: steady load without overwhelming a small host. A request
 * fails on a network error, a status other than 200, or 5 s without an answer.
 */
export function startLoad(url: string, concurrency: number): { stop(): Promise<LoadCounts>; counts(): LoadCounts } {
  let running = true;
  const counts = {
    sent: 0,
    ok: 0,
    failed: 0,
    answers: [] as string[],
    failedAt: [] as number[],
    failures: [] as string[],
  };
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      counts.sent++;
      const answer = await get(url);
      if ('failure' in answer) {
        counts.failed++;
        counts.failedAt.push(Date.now());
        counts.failures.push(answer.failure);
      } else {
        counts.ok++;
        counts.answers.push(answer.body);
      }
    }
  });
  return {
    counts: () => ({
      ...counts,
      answers: [...counts.answers],
      failedAt: [...counts.failedAt],
      failures: [...counts.failures],
    }),
    async stop() {
      running = false;
      await Promise.all(loops);
      return counts;
    },
  };
}

function get(url: string): Promise<{ body: string } | { failure: string }> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve(res.statusCode === 200 ? { body: body.trim() } : { failure: `HTTP ${res.statusCode}: ${body.trim()}` }),
      );
      res.on('error', (error: NodeJS.ErrnoException) => resolve({ failure: error.code ?? error.message }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ failure: error.code ?? error.message }));
    req.end();
  });
}
