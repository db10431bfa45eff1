import { memoryRequest, memoryResponse, type MemoryResponse } from '../exchange/memoryExchange.js';
import type { InterceptOutcome, OperationMatch } from '../policy/CachingEngine.js';
import { abandonHeldFill } from '../responseCache/heldFill.js';
import { ExchangeTrace, type ExplainReport } from '../explain/ExchangeTrace.js';
import type { ExchangeHost } from './ExchangeHost.js';

export interface ProbeOptions {
  /** Default `GET`. */
  readonly method?: string;
  /** The URL the probe request asks for. Default `/`. */
  readonly url?: string;
  /** The Content-Type of the probe response. Default `text/html; charset=utf-8`. */
  readonly contentType?: string;
}

export interface ProbeResult {
  /** The ruleset's operation, or undefined when the policy maps none (or it is not registered). */
  readonly match: OperationMatch | undefined;
  /** What intercept answered, if it did (then modify did not run). */
  readonly answered: InterceptOutcome | undefined;
  /** The response with the headers the operations set. */
  readonly response: MemoryResponse;
  /** What each participant decided (the probe is an explained request). */
  readonly report: ExplainReport;
}

/**
 * What the policy does for an anonymous request of `ruleset` whose view renders an empty 200: runs
 * the ruleset's operations on a request held in memory through `host`, and returns the headers they
 * set (for a static copy that must carry the headers the application would have sent). The probe
 * is explained, so dry: no response cache is read or filled, nothing is counted or logged.
 */
export async function probeExchange(
  host: ExchangeHost,
  ruleset: string,
  options: ProbeOptions = {},
): Promise<ProbeResult> {
  const response = memoryResponse(200);
  response.setHeader('Content-Type', options.contentType ?? 'text/html; charset=utf-8');
  const trace = new ExchangeTrace();
  const exchange = host.createExchange({
    request: memoryRequest({ method: options.method ?? 'GET', url: options.url ?? '/' }),
    response,
    hints: { ruleset: () => ruleset, published: () => undefined },
    trace,
  });
  const match = host.engine.findOperation(exchange);
  if (match?.operation === undefined) return { match, answered: undefined, response, report: trace.report() };
  const answered = await host.engine.intercept(exchange);
  if (answered === undefined) host.engine.modify(exchange);
  abandonHeldFill(exchange, 'not-stored');
  return { match, answered, response, report: trace.report() };
}
