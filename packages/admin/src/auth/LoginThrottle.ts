/** How failed log-ins from one address are slowed down. */
export interface LoginBackoff {
  /** The wait before the attempt after the first failure, in ms; doubled after each further one. Default 500. */
  readonly firstMs?: number;
  /** The longest wait, in ms. Default 30 000. */
  readonly maxMs?: number;
}

interface AddressState {
  failures: number;
  /** Attempts are let through one at a time, each after the wait its predecessor's failure earned. */
  gate: Promise<void>;
  waiting: number;
  lastAt: number;
}

/** Attempts waiting from one address beyond which more are refused at once (429). */
const MAX_WAITING = 16;
/** An address forgotten after this long without a failure. */
const FORGET_MS = 15 * 60_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Slows repeated failed log-ins, per client address: after n failures, the next attempt from that
 * address is checked only after firstMs × 2^(n-1) (at most maxMs), and attempts from it are checked
 * one at a time, so sending many in parallel gains nothing. A success clears the address. Waiting
 * happens before the token is compared: an attacker learns nothing early.
 */
export class LoginThrottle {
  readonly #firstMs: number;
  readonly #maxMs: number;
  readonly #addresses = new Map<string, AddressState>();

  constructor(backoff: Required<LoginBackoff>) {
    this.#firstMs = backoff.firstMs;
    this.#maxMs = backoff.maxMs;
  }

  /** Waits for this address's turn; false when too many attempts are already waiting (answer 429). */
  async turn(address: string): Promise<boolean> {
    this.#forgetOld();
    const state = this.#addresses.get(address);
    if (state === undefined || state.failures === 0) return true;
    if (state.waiting >= MAX_WAITING) return false;
    state.waiting += 1;
    const delay = Math.min(this.#firstMs * 2 ** (state.failures - 1), this.#maxMs);
    const mine = state.gate.then(() => sleep(delay));
    state.gate = mine;
    await mine;
    state.waiting -= 1;
    return true;
  }

  failed(address: string): void {
    const state = this.#addresses.get(address);
    if (state === undefined)
      this.#addresses.set(address, { failures: 1, gate: Promise.resolve(), waiting: 0, lastAt: Date.now() });
    else {
      state.failures += 1;
      state.lastAt = Date.now();
    }
  }

  succeeded(address: string): void {
    this.#addresses.delete(address);
  }

  /** Failures counted for an address (for the tests and the overview). */
  failures(address: string): number {
    return this.#addresses.get(address)?.failures ?? 0;
  }

  #forgetOld(): void {
    const now = Date.now();
    for (const [address, state] of this.#addresses)
      if (state.waiting === 0 && now - state.lastAt > FORGET_MS) this.#addresses.delete(address);
  }
}
