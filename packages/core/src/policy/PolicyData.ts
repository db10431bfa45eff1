/**
 * The policy as written in a configuration file or built in code, before `CachePolicy.compile`
 * validates it.
 *
 * @example
 * const data: PolicyData = {
 *   enabled: true,
 *   operationMapping: { 'site.frontpage': 'moderateCaching' },
 *   operations: { moderateCaching: { options: { smaxage: '1d' }, rulesets: { 'site.frontpage': { smaxage: '10m' } } } },
 * };
 */
export interface PolicyData {
  /** The global switch; when false nothing happens at all. Default true. */
  readonly enabled?: boolean;
  /** Ruleset → operation name. Without it the machinery is off, as in plone.caching. */
  readonly operationMapping?: Readonly<Record<string, string>> | null;
  readonly operations?: Readonly<Record<string, OperationSettingsData>> | null;
  /**
   * Switch debug headers on or off by name: rule, operation, chainOperations, and plugin ones
   * (cacheStatus, ramCache). Those not named are on, except when the policy is compiled with
   * NODE_ENV=production: then they are off unless named here with `true`.
   */
  readonly debugHeaders?: Readonly<Record<string, boolean>>;
}

export interface OperationSettingsData {
  /** Options for every ruleset this operation serves. */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Options for one ruleset, overriding `options`. */
  readonly rulesets?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}
