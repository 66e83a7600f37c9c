/** Each trial's time, rounded, with their median and worst: how the latency benches print a series. */
export function trialSummary(times: readonly number[]): { trialsMs: number[]; medianMs: number; maxMs: number } {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    trialsMs: times.map(Math.round),
    medianMs: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
    maxMs: Math.round(sorted[sorted.length - 1] ?? 0),
  };
}
