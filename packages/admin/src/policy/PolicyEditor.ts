import { readFile } from 'node:fs/promises';
import { CachesetError, loadConfig, RulesetRegistry, type LoadedConfig } from '@cacheset/core';
import type { AdminPolicy, PolicySaved } from '../api/AdminApiTypes.js';
import type { AdminCaching, AdminPolicyFile } from '../AdminSources.js';
import { adminError, AdminErrorCodes } from '../errors/adminErrorCodes.js';
import { policyDocument, policyText } from './policyText.js';
import { writeAtomically } from './writeAtomically.js';

/** What an edit may not change while the application runs: it was applied to the registry at start-up. */
function startupPart(config: LoadedConfig, explicit: boolean): string {
  return JSON.stringify({
    explicit,
    types: config.rulesetTypes.map((t) => [t.name, t.title, t.description]),
    rules: config.rules.map((r) => [r.for, r.ruleset]),
  });
}

/**
 * The policy screen's engine: reads the policy file, and saves an edit of it the way the application
 * would have loaded it. An edit is validated completely first with the same loader (and so the same
 * messages) as the file at start-up, then checked against the application (its ETag components),
 * then written atomically with a backup, and only then swapped into the running engine: an invalid
 * edit changes nothing, on disk or in memory. Saves run one at a time.
 */
export class PolicyEditor {
  readonly #caching: AdminCaching;
  readonly #file: AdminPolicyFile | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #baseline: string | undefined;

  constructor(caching: AdminCaching, file: AdminPolicyFile | undefined) {
    this.#caching = caching;
    this.#file = file;
  }

  get file(): string | undefined {
    return this.#file?.path;
  }

  async read(): Promise<AdminPolicy> {
    const { engine } = this.#caching;
    const policy = engine.policy;
    const document = this.#file === undefined ? {} : policyDocument(await readFile(this.#file.path, 'utf8'));
    return {
      file: this.#file?.path ?? null,
      policy: document,
      rulesets: engine.rulesets.enumerateTypes().map((t) => ({
        name: t.name,
        title: t.title,
        description: t.description,
        operation: policy.operationFor(t.name) ?? null,
      })),
      operations: [...engine.operations.names()].sort(),
    };
  }

  /** Validates, saves and applies a whole document; throws a CachesetError (422 with problems) when invalid. */
  save(document: unknown): Promise<PolicySaved> {
    const run = this.#queue.then(() => this.#save(document));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** The global switch: the document with `policy.enabled` set, saved like any edit. */
  async setEnabled(enabled: boolean): Promise<PolicySaved> {
    const file = this.#required();
    const document = policyDocument(await readFile(file.path, 'utf8'));
    const policy = (document.policy ?? {}) as Record<string, unknown>;
    return await this.save({ ...document, policy: { ...policy, enabled } });
  }

  /** One ruleset's operation (the policy screen's form), saved like any edit. */
  async setOperation(ruleset: string, operation: string | null): Promise<PolicySaved> {
    const file = this.#required();
    const document = policyDocument(await readFile(file.path, 'utf8'));
    const policy = (document.policy ?? {}) as Record<string, unknown>;
    const mapping = { ...((policy.operationMapping ?? {}) as Record<string, unknown>) };
    if (operation === null) delete mapping[ruleset];
    else mapping[ruleset] = operation;
    return await this.save({ ...document, policy: { ...policy, operationMapping: mapping } });
  }

  #required(): AdminPolicyFile {
    if (this.#file === undefined)
      throw adminError(
        AdminErrorCodes.NOT_CONFIGURED,
        409,
        'This application gave the admin no policy file (createAdmin({ policyFile })), so the policy cannot be edited here.',
      );
    return this.#file;
  }

  #load(text: string, file: AdminPolicyFile): LoadedConfig {
    return loadConfig(text, file.path, {
      operations: this.#caching.engine.operations,
      registry: new RulesetRegistry(),
      ...(file.components === undefined ? {} : { components: file.components }),
    });
  }

  async #save(document: unknown): Promise<PolicySaved> {
    const file = this.#required();
    if (typeof document !== 'object' || document === null || Array.isArray(document))
      throw adminError(
        AdminErrorCodes.BAD_REQUEST,
        400,
        'The body must be the policy document: a JSON object with explicit, rulesetTypes, rulesets and policy.',
      );
    const previous = await readFile(file.path, 'utf8');
    this.#baseline ??= this.#startupOf(this.#load(previous, file), previous);
    const text = policyText(file.path, previous, document as Record<string, unknown>);
    // The same loader as at start-up: a refused edit carries the file's own messages (and codes).
    const loaded = this.#load(text, file);
    if (this.#startupOf(loaded, text) !== this.#baseline)
      throw adminError(
        AdminErrorCodes.NEEDS_RESTART,
        422,
        'explicit, rulesetTypes and rulesets are read when the application starts: this edit changes them. ' +
          'Change them in the file and restart; here, edit the policy section.',
        { key: 'rulesetTypes' },
      );
    const running = this.#caching.engine.policy;
    // Checked against the application before anything is written (ETag components the policy names).
    this.#caching.setPolicy(loaded.policy);
    try {
      const backup = await writeAtomically(file.path, text);
      return { ok: true, file: file.path, backup };
    } catch (error) {
      this.#caching.setPolicy(running);
      throw adminError(
        AdminErrorCodes.SAVE_FAILED,
        503,
        `Cannot write the policy file ${file.path}: ${(error as Error).message}. Nothing was changed; ` +
          'make the file and its folder writable by the application.',
      );
    }
  }

  #startupOf(config: LoadedConfig, text: string): string {
    const explicit = policyDocument(text).explicit === true;
    return startupPart(config, explicit);
  }
}

export function isConfigRefusal(error: unknown): error is CachesetError {
  return CachesetError.is(error) && typeof error.details.status !== 'number';
}
