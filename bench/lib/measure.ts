import { monitorEventLoopDelay } from 'node:perf_hooks';

export type MemorySample = { baselineRssMb: number; peakRssMb: number; peakHeapMb: number; loopMaxMs: number };

const mb = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10;

/** Samples RSS and heap every `intervalMs` (and the event loop's worst stall) until stop(). */
export function startMemorySampler(intervalMs = 20): { stop(): MemorySample } {
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      loop.disable();
      const m = process.memoryUsage();
      return {
        baselineRssMb: mb(baseline.rss),
        peakRssMb: mb(Math.max(peakRss, m.rss)),
        peakHeapMb: mb(Math.max(peakHeap, m.heapUsed)),
        loopMaxMs: Math.round(loop.max / 1e6),
      };
    },
  };
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

export type Timing = { runs: number; p50Ms: number; p95Ms: number; maxMs: number; times: number[] };

/** Runs `fn` `warmup` times unmeasured, then `runs` times, and returns the latency distribution. */
export async function timeRuns(fn: () => Promise<unknown>, runs: number, warmup = 2): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return { runs, p50Ms: percentile(times, 50), p95Ms: percentile(times, 95), maxMs: Math.max(...times), times };
}
