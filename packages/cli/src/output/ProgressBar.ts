import type { CliStream } from '../CliIo.js';

/** A one-line progress bar redrawn in place; only for a terminal. */
export class ProgressBar {
  readonly #stream: CliStream;
  readonly #total: number;
  #drawn = false;

  constructor(stream: CliStream, total: number) {
    this.#stream = stream;
    this.#total = total;
  }

  update(done: number, note: string): void {
    const width = Math.max(10, Math.min(40, (this.#stream.columns ?? 80) - 40));
    const filled = this.#total === 0 ? width : Math.round((done / this.#total) * width);
    const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
    const room = Math.max(0, (this.#stream.columns ?? 80) - width - 20);
    this.#stream.write(`\r\u001b[2K[${bar}] ${done}/${this.#total} ${note.slice(0, room)}`);
    this.#drawn = true;
  }

  finish(): void {
    if (this.#drawn) this.#stream.write('\r\u001b[2K');
  }
}
