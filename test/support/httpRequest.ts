// See freePort.ts: the implementation lives with the http package's test fixtures.
export { rawRequest, type RawRequestOptions, type RawResponse } from '../../packages/http/test/fixtures/wire.js';
