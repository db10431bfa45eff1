import type { HitRatioSample } from '../api/AdminApiTypes.js';

/**
 * The RAM cache's hit ratio over the last minutes: the counters are read every `intervalMs` (and when
 * the statistics are asked for after a longer pause), and each sample is the ratio of the lookups
 * between two readings. The counters only grow, so a difference is exactly that interval's traffic.
 */
export class HitRatioHistory {
  readonly #intervalMs: number;
  readonly #size: number;
  readonly #samples: HitRatioSample[] = [];
  #last: { at: number; hits: number; misses: number } | undefined;

  constructor(options: { readonly intervalMs: number; readonly samples: number }) {
    this.#intervalMs = options.intervalMs;
    this.#size = options.samples;
  }

  get intervalMs(): number {
    return this.#intervalMs;
  }

  /** Reads the counters; a sample is kept when an interval has passed since the previous reading. */
  read(at: number, hits: number, misses: number): void {
    const last = this.#last;
    if (last === undefined) {
      this.#last = { at, hits, misses };
      return;
    }
    if (at - last.at < this.#intervalMs) return;
    const h = Math.max(0, hits - last.hits);
    const m = Math.max(0, misses - last.misses);
    this.#samples.push({ at, hits: h, misses: m, ratio: h + m === 0 ? null : h / (h + m) });
    if (this.#samples.length > this.#size) this.#samples.shift();
    this.#last = { at, hits, misses };
  }

  list(): readonly HitRatioSample[] {
    return [...this.#samples];
  }
}
