import type { AdminExplanation, LayerStorage } from '../../api/AdminApiTypes.js';
import type { ExplainUser } from '../../AdminSources.js';
import type { ExplainQuery } from '../../explain/explainUrl.js';
import { html, type SafeHtml } from '../html.js';
import { layout, problem, type PageContext } from '../layout.js';

const LAYER_TITLES: Readonly<Record<LayerStorage['layer'], string>> = {
  browser: 'Browser',
  proxy: 'Shared proxies (Varnish)',
  'nginx-dump': 'Disk dump (nginx)',
  ram: 'RAM cache',
};

function value(v: unknown): string {
  return v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v);
}

function verdict(layer: LayerStorage): SafeHtml {
  if (!layer.stores)
    return html`<span class="no">not stored</span
      >${layer.reason === undefined ? '' : html`: <code>${layer.reason}</code>`}`;
  const ttl =
    layer.ttlSeconds === undefined
      ? ''
      : layer.ttlSeconds === 0
        ? ', revalidated on each use'
        : `, fresh for ${layer.ttlSeconds} s`;
  return html`<span class="yes">stored</span>${ttl}`;
}

function result(e: AdminExplanation): SafeHtml {
  return html`<section aria-labelledby="result-heading">
    <h2 id="result-heading">
      ${e.method} <code>${e.url}</code>${e.user === null ? ' (anonymous)' : ` as ${e.user}`}: ${e.status}
    </h2>
    <h3>Ruleset</h3>
    <dl class="facts">
      <dt>Published view</dt>
      <dd><code>${e.view ?? '—'}</code></dd>
      <dt>Ruleset</dt>
      <dd>${e.ruleset.name === null ? 'none: the response is left alone' : html`<code>${e.ruleset.name}</code>`}</dd>
      <dt>Found by</dt>
      <dd>
        ${e.ruleset.via === 'lookup' ? html`the rule on <code>${e.ruleset.matchedBy ?? '—'}</code>` : e.ruleset.via === 'hint' ? 'the route naming it' : e.ruleset.via === 'custom' ? "the application's own lookup" : '—'}
      </dd>
      <dt>Looked at (C3 order)</dt>
      <dd>
        ${e.ruleset.order.length === 0 ? '—' : e.ruleset.order.map((o, i) => html`${i > 0 ? ' → ' : ''}<code>${o}</code>`)}
      </dd>
      <dt>Would also match</dt>
      <dd>
        ${e.ruleset.candidates.length === 0 ? 'nothing else' : e.ruleset.candidates.map((c) => html`<code>${c.ruleset}</code> on <code>${c.spec}</code><br />`)}
      </dd>
    </dl>
    ${e.operations.map(
      (o) =>
        html`<h3>
            Operation
            <code>${o.name}</code>${e.operation?.name === o.name ? ' (the policy maps the ruleset to it)' : ''}
          </h3>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Option</th>
                  <th scope="col">Value</th>
                  <th scope="col">From</th>
                </tr>
              </thead>
              <tbody>
                ${o.options.map(
                  (opt) =>
                    html`<tr>
                      <th scope="row"><code>${opt.name}</code></th>
                      <td><code>${value(opt.value)}</code></td>
                      <td>
                        ${opt.source === 'ruleset' ? 'this ruleset' : opt.source === 'global' ? "the operation's global options" : "the operation's default"}
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`,
    )}
    <h3>ETag components</h3>
    ${
      e.etag === null || e.etag.components.length === 0
        ? html`<p>None.</p>`
        : html`<dl class="facts">
            ${e.etag.components.map(
              (c) =>
                html`<dt><code>${c.name}</code></dt>
                  <dd><code>${c.value ?? '(no value)'}</code></dd>`,
            )}
          </dl>`
    }
    <h3>Response headers</h3>
    <pre>${Object.entries(e.headers).map(([k, v]) => `${k}: ${v}\n`)}</pre>
    <h3>What each layer would store</h3>
    <div class="table-wrap">
      <table id="layers">
        <thead>
          <tr>
            <th scope="col">Layer</th>
            <th scope="col">Verdict</th>
          </tr>
        </thead>
        <tbody>
          ${e.layers.map(
            (l) =>
              html`<tr>
                <th scope="row">${LAYER_TITLES[l.layer]}</th>
                <td>${verdict(l)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <p class="hint">
      Browser and proxies judged by HTTP caching rules (RFC 9111); the disk dump and the RAM cache by cacheset's own.
      Nothing was stored or purged to find this out.
    </p>
    ${
      e.notes.length === 0
        ? ''
        : html`<h3>Notes</h3>
            <ul>
              ${e.notes.map((n) => html`<li>${n}</li>`)}
            </ul>`
    }
    ${e.suppressedEvents.length === 0 ? '' : html`<p class="hint">Events the request fired and the dry run held back: ${e.suppressedEvents.join(', ')}.</p>`}
  </section>`;
}

/** Explain a URL: the form (URL, method, headers, user) and, once asked, everything about its caching. */
export function explainScreen(
  context: PageContext,
  users: Readonly<Record<string, ExplainUser>>,
  query: ExplainQuery | undefined,
  outcome: AdminExplanation | string | undefined,
): string {
  return layout(
    context,
    'explain',
    'Explain a URL',
    html`<p class="lead">
        What the application does with one request, from a dry run of it: nothing is stored in any cache and nothing is
        purged.
      </p>
      <form method="get" action="${context.mount}explain">
        <div class="row">
          <div>
            <label for="url">URL or path</label
            ><input id="url" name="url" type="text" required value="${query?.url ?? ''}" placeholder="/images/1" />
          </div>
          <div>
            <label for="method">Method</label
            ><select id="method" name="method">
              ${['GET', 'HEAD'].map((m) => html`<option${query?.method === m ? html` selected` : ''}>${m}</option>`)}
            </select>
          </div>
          <div>
            <label for="user">User</label
            ><select id="user" name="user">
              <option value="">anonymous</option>
              ${Object.entries(users).map(([name, u]) => html`<option value="${name}" ${query?.user === name ? html` selected` : ''}>${u.title ?? name}</option>`)}
            </select>
          </div>
        </div>
        <label for="header">Request headers, one <code>Name: value</code> per line</label>
        <textarea id="header" name="header" rows="3" spellcheck="false">${(query?.headers ?? []).join('\n')}</textarea>
        <div><button type="submit">Explain</button></div>
      </form>
      ${typeof outcome === 'string' ? problem(outcome) : outcome === undefined ? '' : result(outcome)}`,
  );
}
