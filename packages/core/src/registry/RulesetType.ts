/** Metadata about a ruleset name, for user interfaces and for explicit mode. */
export interface RulesetType {
  readonly name: string;
  readonly title: string;
  readonly description: string;
}
