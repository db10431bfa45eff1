import type { FastifyRequest } from 'fastify';
import type { LateHints } from '../node/bagHints.js';
import { misspeltHintKey, type MisspeltKey } from '../node/hintKeys.js';
import type {} from './fastifyTypes.js';

/** The hints hooks and handlers set on the decorated request (read when the engine asks). */
export class DecoratedHints implements LateHints {
  readonly #request: FastifyRequest;
  readonly where = 'request';

  constructor(request: FastifyRequest) {
    this.#request = request;
  }

  get ruleset(): string | undefined {
    return this.#request.cacheRuleset;
  }

  get published(): unknown {
    return this.#request.cachePublished;
  }

  misspelt(): MisspeltKey | undefined {
    return misspeltHintKey(Object.keys(this.#request));
  }

  route(): string | undefined {
    return this.#request.routeOptions.url;
  }
}
