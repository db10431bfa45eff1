/**
 * The admin JSON API, shared by the control panel's screens and the `cacheset` command line. Every
 * route lies under the mount (default `/_cacheset/`), takes and returns JSON, needs the admin token
 * (`Authorization: Bearer <token>`, or the session cookie and CSRF token of a logged-in browser), and
 * answers `Cache-Control: no-store`.
 *
 * | route | body | answer |
 * |---|---|---|
 * | `GET api/stats` | | `AdminStats` |
 * | `GET api/explain?url=…&method=…&header=K:V&user=…` | | `AdminExplanation` |
 * | `GET api/policy` | | `AdminPolicy` |
 * | `PUT api/policy` | the policy document | `PolicySaved`, or 422 `AdminErrorBody` with `problems` |
 * | `POST api/purge` | `PurgeRequest` | 202 `PurgeQueued`, or with `wait` 200 `PurgeDelivered` |
 * | `POST api/ram/invalidate` | `RamInvalidateRequest` | `RamInvalidated` |
 * | `POST api/enabled` | `EnabledRequest` | `EnabledState` |
 */

/** One layer of the application, as the overview shows it. */
export interface LayerHealth {
  /** The application gave the admin this layer. */
  readonly configured: boolean;
  /** Working as it should (false also when not configured). */
  readonly healthy: boolean;
  /** One line for a person: what it holds, or what is wrong. */
  readonly detail: string;
}

export interface AdminLayers {
  /** The HTTP-header cache manager (the policy's operations). */
  readonly headers: LayerHealth;
  readonly ram: LayerHealth;
  /** The RAM cache's Redis tier. */
  readonly redis: LayerHealth;
  /** The disk dump nginx serves. */
  readonly fs: LayerHealth;
  /** Purging caching proxies (Varnish, nginx). */
  readonly purge: LayerHealth;
}

/** One cached object of the RAM cache (its path), as in the statistics table. */
export interface RamObjectStats {
  /** The object's path (responses: the request path). */
  readonly name: string;
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
  readonly bytes: number;
}

export interface RamTotals {
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
  readonly bytes: number;
  readonly maxBytes: number;
  /** hits / (hits + misses) since the start; null before the first lookup. */
  readonly hitRatio: number | null;
}

/** The RAM hit ratio of one sampling interval (the overview's chart). */
export interface HitRatioSample {
  /** End of the interval, epoch ms. */
  readonly at: number;
  readonly hits: number;
  readonly misses: number;
  /** null: no lookups in the interval. */
  readonly ratio: number | null;
}

export interface RamStats {
  readonly totals: RamTotals;
  readonly objects: readonly RamObjectStats[];
  /** Oldest first, one per sampling interval over the last minutes. */
  readonly history: readonly HitRatioSample[];
}

export interface FsStats {
  readonly root: string;
  readonly files: number;
  readonly bytes: number;
  /** Responses not written to disk, by reason (`private`, `status`, `set-cookie`, …). */
  readonly refusals: Readonly<Record<string, number>>;
}

/** One proxy's purge counters since the start. */
export interface ProxyPurgeStats {
  readonly name: string;
  readonly url: string;
  readonly kind: string;
  readonly queued: number;
  readonly sent: number;
  readonly succeeded: number;
  readonly retried: number;
  readonly failed: number;
  readonly dropped: number;
  /** Waiting to be sent, to be retried, or in flight now. */
  readonly pending: number;
}

/** One finished purge request to one proxy, newest first. */
export interface RecentPurge {
  /** Finished at, epoch ms. */
  readonly at: number;
  readonly proxy: string;
  readonly type: 'path' | 'tags' | 'ban';
  /** The path, the tags or the BAN expression. */
  readonly target: string;
  readonly outcome: 'succeeded' | 'failed' | 'dropped' | 'unsupported';
  /** The proxy's HTTP status, if it answered. */
  readonly status: number | null;
  readonly ok: boolean;
  readonly attempts: number;
  /** The proxy's answer, or the last error. */
  readonly detail: string;
}

export interface PurgeStats {
  /** Requests waiting to be sent or retried, or in flight, over every proxy. */
  readonly queued: number;
  readonly sent: number;
  readonly retried: number;
  readonly dropped: number;
  readonly failed: number;
  readonly proxies: readonly ProxyPurgeStats[];
  readonly recent: readonly RecentPurge[];
}

/** `GET api/stats`. Sections of layers the application did not give the admin are null. */
export interface AdminStats {
  /** The policy's global switch. */
  readonly enabled: boolean;
  readonly layers: AdminLayers;
  readonly ram: RamStats | null;
  readonly fs: FsStats | null;
  readonly purge: PurgeStats | null;
}

/** How the ruleset was found. */
export interface ExplainedRuleset {
  /** null: no ruleset applies (nothing is done to the response). */
  readonly name: string | null;
  /** `hint`: the route named it; `lookup`: the registry found it for the view; `custom`: the application's lookup. */
  readonly via: 'hint' | 'lookup' | 'custom' | null;
  /** The class or interface token whose rule matched (lookup only). */
  readonly matchedBy: string | null;
  /** Every class and interface token looked at, most specific first (C3 order). */
  readonly order: readonly string[];
  /** Rules further down the order that would apply if the ones before were removed. */
  readonly candidates: readonly { readonly spec: string; readonly ruleset: string }[];
}

/** One option of an operation, with where its value came from. */
export interface ExplainedOption {
  readonly name: string;
  /** null: no value. */
  readonly value: unknown;
  /** `ruleset`: the per-ruleset value; `global`: the operation's global value; `default`: the operation's own. */
  readonly source: 'ruleset' | 'global' | 'default';
}

export interface ExplainedOperation {
  readonly name: string;
  readonly options: readonly ExplainedOption[];
}

/** Whether one layer would store the response, for how long, or why not. */
export interface LayerStorage {
  /** `browser` and `proxy` are judged by HTTP caching rules (RFC 9111); `ram` and `nginx-dump` by cacheset's own. */
  readonly layer: 'browser' | 'proxy' | 'nginx-dump' | 'ram';
  readonly stores: boolean;
  /** How long it keeps the response fresh (HTTP caches; the RAM cache's lifetime when known). */
  readonly ttlSeconds?: number;
  /** Why not, when it would not store (a code such as `private`, `sets-cookie`, `not-configured`). */
  readonly reason?: string;
  /** The layer's particulars (a file name, a RAM scope). */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** `GET api/explain`: what the application would do with one request, from a dry run of it. */
export interface AdminExplanation {
  /** The path and query explained. */
  readonly url: string;
  readonly method: string;
  /** The user explained as (a name from the application's list), null: anonymous. */
  readonly user: string | null;
  /** The published view's class, when the adapter knew it (null otherwise). */
  readonly view: string | null;
  readonly ruleset: ExplainedRuleset;
  /** The operations that ran, in order (a chain first, then the ones it delegated to). */
  readonly operations: readonly ExplainedOperation[];
  /** The operation the policy maps the ruleset to, with its options (null: none). */
  readonly operation: ExplainedOperation | null;
  readonly etag: { readonly components: readonly { readonly name: string; readonly value: string | null }[] } | null;
  /** The response headers the application sends (lower-case names; Date left out). */
  readonly headers: Readonly<Record<string, string>>;
  readonly status: number;
  /** An operation answered before the view ran (a 304 to the explained request's own validators). */
  readonly answeredBy: string | null;
  readonly layers: readonly LayerStorage[];
  /** Problems the request would have logged. */
  readonly notes: readonly string[];
  /** Events the request fired and the dry run held back (a Purge). */
  readonly suppressedEvents: readonly string[];
}

/** A ruleset as the policy screen lists it. */
export interface DeclaredRuleset {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** The operation the running policy maps it to (null: none). */
  readonly operation: string | null;
}

/** `GET api/policy`. */
export interface AdminPolicy {
  /** The policy file edits are saved to (null: edits are refused, the application gave none). */
  readonly file: string | null;
  /** The whole document of the policy file as JSON (explicit, rulesetTypes, rulesets, policy). */
  readonly policy: Readonly<Record<string, unknown>>;
  readonly rulesets: readonly DeclaredRuleset[];
  /** The operations the policy may name. */
  readonly operations: readonly string[];
}

/** `PUT api/policy` saved and applied the document. */
export interface PolicySaved {
  readonly ok: true;
  readonly file: string;
  /** The previous version, kept beside it. */
  readonly backup: string;
}

/** `POST api/purge`. */
export interface PurgeRequest {
  /** Paths of the site (`/images/42`). */
  readonly paths?: readonly string[];
  /** Surrogate keys (Varnish xkey). */
  readonly tags?: readonly string[];
  /** Answer after every proxy answered (bounded, 10 s), with the outcomes. Default false. */
  readonly wait?: boolean;
}

/** What was invalidated in this process at once (RAM entries, dumped files), before the proxies. */
export interface LocalInvalidation {
  readonly ramDropped: number;
  readonly filesDeleted: number;
}

export interface PurgeQueued extends LocalInvalidation {
  /** Requests handed to the proxies (paths and tag groups times proxies). */
  readonly queued: number;
}

export interface PurgeOutcome {
  readonly proxy: string;
  readonly path?: string;
  readonly tag?: string;
  readonly ok: boolean;
  readonly status: number | null;
  readonly attempts: number;
}

export interface PurgeDelivered extends PurgeQueued {
  readonly ok: boolean;
  readonly outcomes: readonly PurgeOutcome[];
}

/** `POST api/ram/invalidate`: one object (its path, as the statistics name it) or, absent, everything. */
export interface RamInvalidateRequest {
  readonly object?: string;
}

export interface RamInvalidated {
  readonly ok: true;
  /** Entries this process dropped. */
  readonly dropped: number;
}

/** `POST api/enabled`. */
export interface EnabledRequest {
  readonly enabled: boolean;
}

export interface EnabledState {
  readonly enabled: boolean;
}

/** One problem of a refused request body (a policy edit): where, and what is wrong. */
export interface AdminProblem {
  /** The key, as `policy.operations.moderateCaching.options.smaxage` (empty: the whole body). */
  readonly path: string;
  readonly message: string;
}

/** Every error answer: 400, 401, 403, 404, 405, 409, 413, 422, 429, 503. */
export interface AdminErrorBody {
  readonly error: {
    /** Stable, `ERR_CACHESET_ADMIN_…` or the code of the error refused with; branch on it. */
    readonly code: string;
    readonly message: string;
    readonly problems?: readonly AdminProblem[];
  };
}
