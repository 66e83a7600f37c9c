// Zod-free: the agent bundle reads these names too (test/agent/bundle.test.ts).

/** ECS's ulimit names (the model's UlimitName). */
export const ULIMIT_NAMES = [
  'core',
  'cpu',
  'data',
  'fsize',
  'locks',
  'memlock',
  'msgqueue',
  'nice',
  'nofile',
  'nproc',
  'rss',
  'rtprio',
  'rttime',
  'sigpending',
  'stack',
] as const;
