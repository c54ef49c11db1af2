/**
 * In-process metrics: counters and latency histograms keyed by name and labels
 * (`pipeline="delivery"`). Snapshots feed `lakestack status`, run records and benchmarks.
 */
export interface HistogramSummary {
  count: number;
  sum: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Keeps the latest `capacity` observations: exact percentiles over a recent window. */
class Histogram {
  private readonly values: number[] = [];
  private next = 0;
  count = 0;
  sum = 0;
  max = 0;

  constructor(private readonly capacity = 4096) {}

  observe(value: number): void {
    this.count += 1;
    this.sum += value;
    if (value > this.max) this.max = value;
    if (this.values.length < this.capacity) this.values.push(value);
    else {
      this.values[this.next] = value;
      this.next = (this.next + 1) % this.capacity;
    }
  }

  summary(): HistogramSummary {
    const sorted = [...this.values].sort((a, b) => a - b);
    const at = (q: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
    return { count: this.count, sum: this.sum, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: this.max };
  }
}

function keyOf(name: string, labels: Record<string, string>): string {
  const parts = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v}"`);
  return parts.length ? `${name}{${parts.join(',')}}` : name;
}

export class Metrics {
  private readonly counters = new Map<string, number>();
  private readonly histograms = new Map<string, Histogram>();

  /** Adds `by` (default 1) to a counter. */
  increment(name: string, labels: Record<string, string> = {}, by = 1): void {
    const key = keyOf(name, labels);
    this.counters.set(key, (this.counters.get(key) ?? 0) + by);
  }

  /** Records one latency (milliseconds) or size observation. */
  observe(name: string, labels: Record<string, string>, value: number): void {
    const key = keyOf(name, labels);
    let h = this.histograms.get(key);
    if (!h) this.histograms.set(key, (h = new Histogram()));
    h.observe(value);
  }

  counter(name: string, labels: Record<string, string> = {}): number {
    return this.counters.get(keyOf(name, labels)) ?? 0;
  }

  histogram(name: string, labels: Record<string, string> = {}): HistogramSummary | undefined {
    return this.histograms.get(keyOf(name, labels))?.summary();
  }

  /** Everything, keyed `name{label="v"}`: for `status --json` and logs. */
  snapshot(): { counters: Record<string, number>; histograms: Record<string, HistogramSummary> } {
    return {
      counters: Object.fromEntries(this.counters),
      histograms: Object.fromEntries([...this.histograms].map(([k, h]) => [k, h.summary()])),
    };
  }
}
