import type { PurgeRecord } from './PurgeRecord.js';

/** The last `capacity` finished purge requests, in a ring: constant memory however much is purged. */
export class PurgeHistory {
  readonly capacity: number;
  readonly #ring: (PurgeRecord | undefined)[];
  #next = 0;
  #count = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#ring = new Array<PurgeRecord | undefined>(capacity);
  }

  add(record: PurgeRecord): void {
    if (this.capacity === 0) return;
    this.#ring[this.#next] = record;
    this.#next = (this.#next + 1) % this.capacity;
    this.#count = Math.min(this.#count + 1, this.capacity);
  }

  /** Newest first. */
  list(): PurgeRecord[] {
    const out: PurgeRecord[] = [];
    for (let i = 1; i <= this.#count; i += 1) {
      const record = this.#ring[(this.#next - i + this.capacity) % this.capacity];
      if (record !== undefined) out.push(record);
    }
    return out;
  }
}
