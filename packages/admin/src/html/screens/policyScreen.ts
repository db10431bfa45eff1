import type { AdminPolicy } from '../../api/AdminApiTypes.js';
import { html } from '../html.js';
import { csrfField, layout, notice, problem, type PageContext } from '../layout.js';

export interface PolicyScreenState {
  readonly flash?: string;
  readonly problem?: string;
  /** The document as the administrator sent it, shown again after a refused edit. */
  readonly draft?: string;
}

/**
 * The policy: each ruleset's operation, editable one at a time, and the whole document (JSON) for
 * options. Both are saved to the policy file (with a backup) and applied at once; a refused edit
 * shows the policy file loader's message and changes nothing.
 */
export function policyScreen(context: PageContext, policy: AdminPolicy, state: PolicyScreenState = {}): string {
  const editable = policy.file !== null;
  const document = state.draft ?? JSON.stringify(policy.policy, null, 2);
  return layout(
    context,
    'policy',
    'Policy',
    html`${notice(state.flash)}${problem(state.problem)}
      <p class="lead">
        ${editable ? html`Saved to <code>${policy.file}</code> (the previous version is kept as <code>${policy.file}.bak</code>) and applied at once, without a restart.` : 'This application gave the control panel no policy file: the policy is shown but cannot be edited here.'}
      </p>
      <h2>Operation of each ruleset</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Ruleset</th>
              <th scope="col">Operation</th>
            </tr>
          </thead>
          <tbody>
            ${policy.rulesets.map((r, i) => {
              const id = `op-${i}`;
              return html`<tr>
                <th scope="row"><label for="${id}">${r.title}</label><code class="hint">${r.name}</code></th>
                <td>
                  <form method="post" action="${context.mount}policy" class="row">
                    ${csrfField(context)}
                    <input type="hidden" name="ruleset" value="${r.name}" />
                    <div>
                      <select id="${id}" name="operation" ${editable ? '' : html` disabled`}>
                        <option value="" ${r.operation === null ? html` selected` : ''}>(none: not cached)</option>
                        ${policy.operations.map((o) => html`<option value="${o}" ${o === r.operation ? html` selected` : ''}>${o}</option>`)}
                      </select>
                    </div>
                    <div>
                      <button type="submit" ${editable ? '' : html` disabled`}>
                        Save <span class="skip">${r.name}</span>
                      </button>
                    </div>
                  </form>
                </td>
              </tr>`;
            })}
          </tbody>
        </table>
      </div>
      <h2>The whole policy document</h2>
      <form method="post" action="${context.mount}policy">
        ${csrfField(context)}
        <label for="document"
          >Document (JSON; the policy file's <code>policy</code> section holds the operations' options)</label
        >
        <textarea id="document" name="document" spellcheck="false" ${editable ? '' : html` readonly`}>
${document}</textarea>
        <div><button type="submit" ${editable ? '' : html` disabled`}>Validate and save</button></div>
      </form>`,
  );
}
