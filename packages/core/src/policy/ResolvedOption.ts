/** One option of an operation for a ruleset, with where its value came from. */
export interface ResolvedOption {
  readonly name: string;
  /** The value the operation sees (`null`: none). */
  readonly value: unknown;
  /** `ruleset`: the policy's per-ruleset value; `global`: the operation's global value; `default`: the operation's own. */
  readonly origin: 'ruleset' | 'global' | 'default';
}
