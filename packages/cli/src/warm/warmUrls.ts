import { cacheOutcomes, type LayerOutcome } from './cacheOutcome.js';

export interface WarmResult {
  readonly url: string;
  /** The status, or null when there was no answer (then `error` says why). */
  readonly status: number | null;
  readonly ms: number;
  readonly caches: readonly LayerOutcome[];
  readonly error?: string;
}

export interface WarmOptions {
  readonly concurrency: number;
  readonly requestTimeoutMs: number;
  /** After this long no new request starts and those in flight are abandoned. */
  readonly maxTimeMs: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly onResult?: (result: WarmResult, done: number) => void;
}

export interface WarmRun {
  readonly results: readonly WarmResult[];
  /** URLs never requested because the time bound was reached. */
  readonly skipped: number;
  readonly timedOut: boolean;
  readonly ms: number;
}

/** Requests every URL (reading each body, so every layer can store it), at most `concurrency` at a time. */
export async function warmUrls(urls: readonly URL[], options: WarmOptions): Promise<WarmRun> {
  const started = performance.now();
  const overall = AbortSignal.timeout(options.maxTimeMs);
  const results: WarmResult[] = [];
  let next = 0;
  const one = async (url: URL): Promise<WarmResult> => {
    const begin = performance.now();
    try {
      const response = await fetch(url, {
        headers: { 'user-agent': 'cacheset-warm', ...options.headers },
        redirect: 'manual',
        signal: AbortSignal.any([overall, AbortSignal.timeout(options.requestTimeoutMs)]),
      });
      await response.arrayBuffer();
      return {
        url: url.href,
        status: response.status,
        ms: Math.round(performance.now() - begin),
        caches: cacheOutcomes(response.headers),
      };
    } catch (error) {
      const reason = overall.aborted
        ? 'the time bound (--max-time) was reached'
        : error instanceof Error && error.name === 'TimeoutError'
          ? `no answer within ${options.requestTimeoutMs / 1000}s (--request-timeout)`
          : error instanceof Error
            ? ((error.cause as Error | undefined)?.message ?? error.message)
            : String(error);
      return { url: url.href, status: null, ms: Math.round(performance.now() - begin), caches: [], error: reason };
    }
  };
  const worker = async (): Promise<void> => {
    while (!overall.aborted) {
      const index = next;
      next += 1;
      const url = urls[index];
      if (url === undefined) return;
      const result = await one(url);
      results.push(result);
      options.onResult?.(result, results.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, urls.length) }, worker));
  return {
    results,
    skipped: urls.length - results.length,
    timedOut: overall.aborted,
    ms: Math.round(performance.now() - started),
  };
}
