import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';

/** Passes one request on to `target` (an http:// origin) and its answer back: a test's front for dev mode. */
export function forward(target: string, req: IncomingMessage, res: ServerResponse): void {
  const onward = httpRequest(
    new URL(req.url ?? '/', target),
    { method: req.method, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  onward.on('error', () => res.destroy());
  req.pipe(onward);
}
