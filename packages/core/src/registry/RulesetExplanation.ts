import type { RuleMatch } from './RulesetRegistry.js';

/** Why a lookup found the rule it found (see `RulesetRegistry.explain`). */
export interface RulesetExplanation {
  /** The names of the classes and interface tokens looked at, most specific first (C3 order). */
  readonly order: readonly string[];
  /** The rule that applies: the first entry of `order` that has one. */
  readonly match: RuleMatch | undefined;
  /** Rules further down the order, which would apply if the ones before them were removed. */
  readonly alsoMatching: readonly RuleMatch[];
  /** Whether explicit mode is on (undeclared rulesets are errors). */
  readonly explicit: boolean;
}
