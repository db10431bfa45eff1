import type { FsStats, PurgeStats } from '../../api/AdminApiTypes.js';
import { formatBytes } from '../../stats/collectStats.js';
import { html } from '../html.js';
import { csrfField, layout, notice, problem, type PageContext } from '../layout.js';

function time(at: number): string {
  return new Date(at)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

/** The disk dump (files, bytes, refusals by reason) and purging (queue, recent purges, purge now). */
export function purgeScreen(
  context: PageContext,
  fs: FsStats | null,
  purge: PurgeStats | null,
  state: { readonly flash?: string; readonly problem?: string } = {},
): string {
  const refusals = Object.entries(fs?.refusals ?? {}).sort((a, b) => b[1] - a[1]);
  return layout(
    context,
    'purge',
    'Disk and purging',
    html`${notice(state.flash)}${problem(state.problem)}
      <h2>Purge now</h2>
      <form method="post" action="${context.mount}purge">
        ${csrfField(context)}
        <div class="row">
          <div>
            <label for="paths">Paths, one per line</label
            ><textarea id="paths" name="paths" rows="3" placeholder="/images/1"></textarea>
          </div>
          <div>
            <label for="tags">Tags (surrogate keys), separated by spaces</label
            ><input id="tags" name="tags" type="text" placeholder="image-1" />
          </div>
        </div>
        <p class="hint">
          Drops the RAM entries and dumped files at once, then asks every proxy and waits for their answers.
        </p>
        <button type="submit">Purge</button>
      </form>
      <h2>Disk dump</h2>
      ${
        fs === null
          ? html`<p>The disk dump is not configured in this application.</p>`
          : html`<dl class="facts">
                <dt>Files</dt>
                <dd>${fs.files}</dd>
                <dt>Size</dt>
                <dd>${formatBytes(fs.bytes)}</dd>
                <dt>Root</dt>
                <dd><code>${fs.root}</code></dd>
              </dl>
              <div class="table-wrap">
                <table>
                  <caption class="hint">
                    Responses not written to disk, by reason
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Reason</th>
                      <th scope="col" class="num">Responses</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${
                      refusals.length === 0
                        ? html`<tr>
                            <td colspan="2">None.</td>
                          </tr>`
                        : refusals.map(
                            ([reason, n]) =>
                              html`<tr>
                                <th scope="row"><code>${reason}</code></th>
                                <td class="num">${n}</td>
                              </tr>`,
                          )
                    }
                  </tbody>
                </table>
              </div>`
      }
      <h2>Proxies</h2>
      ${
        purge === null
          ? html`<p>Purging is not configured in this application (no proxies).</p>`
          : html`<p>
                ${purge.queued} request(s) waiting or in flight; ${purge.retried} retried, ${purge.failed} failed,
                ${purge.dropped} dropped since the start.
              </p>
              <div class="table-wrap">
                <table class="stack">
                  <thead>
                    <tr>
                      <th scope="col">Proxy</th>
                      <th scope="col" class="num">Sent</th>
                      <th scope="col" class="num">Succeeded</th>
                      <th scope="col" class="num">Retried</th>
                      <th scope="col" class="num">Failed</th>
                      <th scope="col" class="num">Dropped</th>
                      <th scope="col" class="num">Waiting</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${purge.proxies.map(
                      (p) =>
                        html`<tr>
                          <th scope="row">
                            ${p.name} <span class="hint">${p.kind}${p.url === p.name ? '' : `, ${p.url}`}</span>
                          </th>
                          <td class="num" data-label="Sent">${p.sent}</td>
                          <td class="num" data-label="Succeeded">${p.succeeded}</td>
                          <td class="num" data-label="Retried">${p.retried}</td>
                          <td class="num" data-label="Failed">${p.failed}</td>
                          <td class="num" data-label="Dropped">${p.dropped}</td>
                          <td class="num" data-label="Waiting">${p.pending}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>
              <h2>Recent purges</h2>
              <div class="table-wrap">
                <table class="stack">
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Proxy</th>
                      <th scope="col">What</th>
                      <th scope="col">Outcome</th>
                      <th scope="col" class="num">Attempts</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${
                      purge.recent.length === 0
                        ? html`<tr>
                            <td colspan="5">No purges yet.</td>
                          </tr>`
                        : purge.recent.map(
                            (r) =>
                              html`<tr>
                                <td data-label="When">${time(r.at)}</td>
                                <td data-label="Proxy">${r.proxy}</td>
                                <td data-label="What">${r.type} <code>${r.target}</code></td>
                                <td data-label="Outcome" class="${r.ok ? 'yes' : 'no'}">
                                  ${r.outcome}${r.status === null ? '' : ` (${r.status})`}<br /><span class="hint"
                                    >${r.detail}</span
                                  >
                                </td>
                                <td class="num" data-label="Attempts">${r.attempts}</td>
                              </tr>`,
                          )
                    }
                  </tbody>
                </table>
              </div>`
      }`,
  );
}
