import type { AdminStats, LayerHealth } from '../../api/AdminApiTypes.js';
import { hitRatioChart } from '../hitRatioChart.js';
import { html } from '../html.js';
import { csrfField, layout, notice, type PageContext } from '../layout.js';

const LAYER_TITLES: readonly [keyof AdminStats['layers'], string][] = [
  ['headers', 'HTTP headers'],
  ['ram', 'RAM cache'],
  ['redis', 'Redis tier'],
  ['fs', 'Disk dump (nginx)'],
  ['purge', 'Proxy purging'],
];

function state(layer: LayerHealth): string {
  if (!layer.configured) return 'not configured';
  return layer.healthy ? 'on' : 'attention';
}

function stateClass(layer: LayerHealth): string {
  if (!layer.configured) return 'state na';
  return layer.healthy ? 'state on' : 'state off';
}

/** The overview: the global switch, each layer with one line of health, the RAM hit-ratio chart. */
export function overviewScreen(context: PageContext, stats: AdminStats, intervalMs: number, flash?: string): string {
  const ratio = stats.ram?.totals.hitRatio;
  return layout(
    context,
    '',
    'Overview',
    html`${notice(flash)}
      <h2>Caching</h2>
      <form method="post" action="${context.mount}enabled">
        ${csrfField(context)}
        <p>
          Caching is
          <strong class="${stats.enabled ? 'state on' : 'state off'}">${stats.enabled ? 'on' : 'off'}</strong> for the
          whole application.
        </p>
        <input type="hidden" name="enabled" value="${stats.enabled ? 'false' : 'true'}" />
        <button type="submit" class="${stats.enabled ? 'danger' : ''}">
          ${stats.enabled ? 'Switch caching off' : 'Switch caching on'}
        </button>
      </form>
      <h2>Layers</h2>
      <ul class="layers">
        ${LAYER_TITLES.map(([key, title]) => {
          const layer = stats.layers[key];
          return html`<li>
            <strong>${title}</strong>: <span class="${stateClass(layer)}">${state(layer)}</span><br /><span class="hint"
              >${layer.detail}</span
            >
          </li>`;
        })}
      </ul>
      <h2>RAM hit ratio</h2>
      ${
        stats.ram === null
          ? html`<p>The RAM cache is not configured in this application.</p>`
          : html`<p>
                Since the start:
                <strong
                  >${ratio === null || ratio === undefined ? 'no lookups yet' : `${(ratio * 100).toFixed(1)} %`}</strong
                >
                (${stats.ram.totals.hits} hits, ${stats.ram.totals.misses} misses).
              </p>
              ${hitRatioChart(stats.ram.history, intervalMs)}`
      }`,
  );
}
