import type { CacheRequest, CacheUser } from './CacheRequest.js';
import type { CacheResponse } from './CacheResponse.js';

export interface MemoryRequestInit {
  readonly method?: string;
  readonly url?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly user?: CacheUser;
}

/** A CacheRequest held in memory: for unit tests of policies and operations, and for scripts. */
export function memoryRequest(init: MemoryRequestInit = {}): CacheRequest {
  const headers = new Map(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    method: (init.method ?? 'GET').toUpperCase(),
    url: init.url ?? '/',
    header: (name) => headers.get(name.toLowerCase()),
    user: init.user,
  };
}

/** A CacheResponse held in memory; `headers()` returns what was set, with lower-case names. */
export interface MemoryResponse extends CacheResponse {
  headers(): Readonly<Record<string, string>>;
}

export function memoryResponse(status = 200): MemoryResponse {
  const headers = new Map<string, string>();
  return {
    status,
    getHeader: (name) => headers.get(name.toLowerCase()),
    setHeader: (name, value) =>
      void headers.set(name.toLowerCase(), typeof value === 'string' ? value : value.join(', ')),
    removeHeader: (name) => void headers.delete(name.toLowerCase()),
    headerNames: () => [...headers.keys()],
    headers: () => Object.fromEntries(headers),
  };
}
