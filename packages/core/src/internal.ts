/**
 * @cacheset/core/internal: what cacheset's own packages share beyond the public API: the caching
 * session and its exchange facts, the capture protocol, the held response-cache fill, the explain
 * trace's writer side, and the kit every package builds its options, logging and symbols with.
 * Server adapters and plugins import it; applications should not: it follows the packages' needs,
 * with no compatibility promise of its own.
 *
 * @module
 */
export { OnceLogger, onceLoggerFor, type OnceLoggerOptions } from './logging/OnceLogger.js';
export { OptionReader, type NumberRange, type OptionErrorFactory } from './kit/OptionReader.js';
export { markIgnoreRange, shouldIgnoreRange } from './exchange/ignoreRange.js';
export {
  gatherShareability,
  shareabilityNow,
  type ShareabilityFacts,
  type ShareabilitySource,
} from './exchange/shareability.js';
export {
  CachingSession,
  type CachingSessionInit,
  type FinishedResponse,
  type LateHintCost,
} from './session/CachingSession.js';
export { ExchangeTrace, isDry } from './explain/ExchangeTrace.js';
export { probeExchange, type ProbeOptions, type ProbeResult } from './session/probeExchange.js';
export {
  beginLateIntercept,
  isLateIntercept,
  LateIntercept,
  noteResponseCacheSkipped,
} from './session/lateIntercept.js';
export {
  requestCapture,
  requestedCaptures,
  settleCaptures,
  type CapturedResponse,
  type ResponseCapture,
} from './capture/ResponseCapture.js';
export { statusAbandonReason } from './responseCache/AbandonReason.js';
export { abandonHeldFill, heldFill, holdFill, takeHeldFill, type HeldFill } from './responseCache/heldFill.js';
export { internalSymbol, sharedSymbol, type InternalSymbolName } from './kit/internalSymbols.js';
export { tokenResolutionOrder } from './interfaces/InterfaceToken.js';
export type { ExchangeHints, ExchangeInit } from './session/ExchangeHost.js';
export { type ETagTrace, type OperationTrace, type RulesetTrace } from './explain/ExchangeTrace.js';
export { type CaptureAbandonReason } from './responseCache/AbandonReason.js';
