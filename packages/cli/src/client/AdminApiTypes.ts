// The admin JSON API as the contract describes it (docs/admin.md once @cacheset/admin ships; then these
// types are imported from there instead). Only what the command line reads is spelled out.

export interface ApiProblem {
  readonly path: string;
  readonly message: string;
}

export interface ApiErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly problems?: readonly ApiProblem[] };
}

export interface LayerHealth {
  readonly configured: boolean;
  readonly healthy: boolean;
  readonly detail: string;
}

export interface StatsResponse {
  readonly enabled: boolean;
  readonly layers: Readonly<Record<string, LayerHealth>>;
  readonly ram: {
    readonly totals: {
      readonly hits: number;
      readonly misses: number;
      readonly entries: number;
      readonly bytes: number;
      readonly hitRatio: number;
    };
    readonly objects: readonly {
      readonly name: string;
      readonly hits: number;
      readonly misses: number;
      readonly entries: number;
      readonly bytes: number;
    }[];
  } | null;
  readonly fs: {
    readonly files: number;
    readonly bytes: number;
    readonly refusals: Readonly<Record<string, number>>;
  } | null;
  readonly purge: {
    readonly queued: number;
    readonly sent: number;
    readonly retried: number;
    readonly dropped: number;
    readonly recent: readonly unknown[];
  } | null;
}

export interface ExplainLayer {
  readonly layer: string;
  readonly stores: boolean;
  readonly ttlSeconds?: number;
  readonly reason?: string;
}

export interface ExplainResponse {
  readonly url: string;
  readonly method: string;
  readonly view: string | null;
  readonly ruleset: { readonly name: string | null; readonly matchedBy?: unknown; readonly candidates?: unknown };
  readonly operation: {
    readonly name: string | null;
    readonly options: readonly { readonly name: string; readonly value: unknown; readonly source: string }[];
  };
  readonly etag?: { readonly components: readonly { readonly name: string; readonly value: unknown }[] };
  readonly headers: Readonly<Record<string, string>>;
  readonly status: number;
  readonly layers: readonly ExplainLayer[];
}

export interface PolicyResponse {
  readonly file: string;
  readonly policy: unknown;
  readonly rulesets: readonly { readonly name: string; readonly title: string }[];
}

export interface PolicySetResponse {
  readonly ok: true;
  readonly file: string;
  readonly backup: string | null;
}

export interface PurgeOutcome {
  readonly proxy: string;
  readonly path?: string;
  readonly tag?: string;
  readonly ok: boolean;
  readonly status: number | null;
  readonly attempts: number;
}

export interface PurgeResponse {
  readonly queued: number;
  readonly outcomes?: readonly PurgeOutcome[];
}
