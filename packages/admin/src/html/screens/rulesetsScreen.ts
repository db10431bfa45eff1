import { declaredRuleset, decoratedClasses, specName, type CachingEngine } from '@cacheset/core';
import { html } from '../html.js';
import { layout, type PageContext } from '../layout.js';

/**
 * The rulesets: the declared types with titles and descriptions, the classes and interface tokens
 * mapped to each (rules registered, and classes decorated with `@cacheRuleset`), explicit mode, and
 * the rulesets used but undeclared or declared but unused.
 */
export function rulesetsScreen(context: PageContext, engine: CachingEngine): string {
  const registry = engine.rulesets;
  const policy = engine.policy;
  const types = registry.enumerateTypes();
  const mapped = new Map<string, string[]>();
  const add = (ruleset: string, what: string): void => {
    const list = mapped.get(ruleset) ?? [];
    if (!list.includes(what)) list.push(what);
    mapped.set(ruleset, list);
  };
  for (const rule of registry.enumerateRules()) add(rule.ruleset, specName(rule.spec));
  for (const cls of decoratedClasses()) {
    const ruleset = declaredRuleset(cls);
    if (ruleset !== undefined) add(ruleset, `${specName(cls)} (@cacheRuleset)`);
  }
  const declared = new Set(types.map((t) => t.name));
  const inPolicy = [...(policy.operationMapping?.keys() ?? [])];
  const undeclared = [...new Set([...mapped.keys(), ...inPolicy])].filter((r) => !declared.has(r)).sort();
  const unused = types.filter((t) => !mapped.has(t.name)).map((t) => t.name);
  return layout(
    context,
    'rulesets',
    'Rulesets',
    html`<p class="lead">
        Explicit mode is <strong>${registry.explicit ? 'on' : 'off'}</strong>:
        ${registry.explicit ? 'a ruleset must be declared before a view may use it.' : 'any dotted name may be used as a ruleset.'}
      </p>
      <div class="table-wrap">
        <table>
          <caption class="hint">
            Declared ruleset types, in declaration order
          </caption>
          <thead>
            <tr>
              <th scope="col">Ruleset</th>
              <th scope="col">Title and description</th>
              <th scope="col">Classes and interfaces</th>
              <th scope="col">Operation</th>
            </tr>
          </thead>
          <tbody>
            ${types.map(
              (t) =>
                html`<tr>
                  <th scope="row"><code>${t.name}</code></th>
                  <td><strong>${t.title}</strong><br /><span class="hint">${t.description}</span></td>
                  <td>
                    ${(mapped.get(t.name) ?? []).map((m) => html`<code>${m}</code><br />`)}${mapped.has(t.name) ? '' : html`<span class="hint">none</span>`}
                  </td>
                  <td><code>${policy.operationFor(t.name) ?? '—'}</code></td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <h2>Used but not declared</h2>
      ${
        undeclared.length === 0
          ? html`<p>None.</p>`
          : html`<ul>
              ${undeclared.map((r) => html`<li><code>${r}</code>${mapped.has(r) ? html` by ${mapped.get(r)?.join(', ')}` : ' in the policy'}</li>`)}
            </ul>`
      }
      <h2>Declared but not used</h2>
      ${
        unused.length === 0
          ? html`<p>None: every declared ruleset has a class or interface.</p>`
          : html`<ul>
                ${unused.map((r) => html`<li><code>${r}</code></li>`)}
              </ul>
              <p class="hint">No class or interface token maps to these (they may be named by routes instead).</p>`
      }`,
  );
}
