import type { RamObjectStats, RamStats } from '../../api/AdminApiTypes.js';
import { formatBytes } from '../../stats/collectStats.js';
import { html } from '../html.js';
import { csrfField, layout, notice, type PageContext } from '../layout.js';

export const RAM_SORT_KEYS = ['name', 'hits', 'misses', 'entries', 'bytes'] as const;
export type RamSortKey = (typeof RAM_SORT_KEYS)[number];

export function sortObjects(rows: readonly RamObjectStats[], key: RamSortKey, order: 'asc' | 'desc'): RamObjectStats[] {
  const sign = order === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) =>
    key === 'name' ? sign * a.name.localeCompare(b.name) : sign * (a[key] - b[key]) || a.name.localeCompare(b.name),
  );
}

const TITLES: Readonly<Record<RamSortKey, string>> = {
  name: 'Object',
  hits: 'Hits',
  misses: 'Misses',
  entries: 'Entries',
  bytes: 'Bytes',
};

/** The RAM cache: totals, the statistics table (sortable by each column), invalidate one object or all. */
export function ramScreen(
  context: PageContext,
  ram: RamStats | null,
  sort: { readonly key: RamSortKey; readonly order: 'asc' | 'desc' },
  flash?: string,
): string {
  if (ram === null)
    return layout(context, 'ram', 'RAM cache', html`<p>The RAM cache is not configured in this application.</p>`);
  const rows = sortObjects(ram.objects, sort.key, sort.order);
  const t = ram.totals;
  const header = RAM_SORT_KEYS.map((key) => {
    const active = key === sort.key;
    const next = active && sort.order === 'desc' ? 'asc' : 'desc';
    const aria = active ? html` aria-sort="${sort.order === 'asc' ? 'ascending' : 'descending'}"` : '';
    return html`<th scope="col" ${aria} class="${key === 'name' ? '' : 'num'}">
      <a href="${context.mount}ram?sort=${key}&amp;order=${next}"
        >${TITLES[key]}${active ? (sort.order === 'asc' ? ' ▲' : ' ▼') : ''}</a
      >
    </th>`;
  });
  return layout(
    context,
    'ram',
    'RAM cache',
    html`${notice(flash)}
      <dl class="facts">
        <dt>Hits</dt>
        <dd>${t.hits}</dd>
        <dt>Misses</dt>
        <dd>${t.misses}</dd>
        <dt>Hit ratio</dt>
        <dd>${t.hitRatio === null ? 'no lookups yet' : `${(t.hitRatio * 100).toFixed(1)} %`}</dd>
        <dt>Entries</dt>
        <dd>${t.entries}</dd>
        <dt>Size</dt>
        <dd>${formatBytes(t.bytes)} of ${formatBytes(t.maxBytes)}</dd>
      </dl>
      <form method="post" action="${context.mount}ram/invalidate">
        ${csrfField(context)}<button type="submit" class="danger">Invalidate everything</button>
      </form>
      <p class="phone-only">
        Sort by:
        ${RAM_SORT_KEYS.map(
          (key, n) =>
            html`${n > 0 ? ' · ' : ''}<a
                href="${context.mount}ram?sort=${key}&amp;order=${key === 'name' ? 'asc' : 'desc'}"
                >${TITLES[key]}</a
              >`,
        )}
      </p>
      <div class="table-wrap">
        <table class="stack">
          <caption class="hint">
            One row per cached object (its path); select a column to sort
          </caption>
          <thead>
            <tr>
              ${header}
              <th scope="col"><span class="skip">Action</span></th>
            </tr>
          </thead>
          <tbody>
            ${
              rows.length === 0
                ? html`<tr>
                    <td colspan="6">Nothing is cached.</td>
                  </tr>`
                : rows.map(
                    (r) =>
                      html`<tr>
                        <th scope="row"><code>${r.name}</code></th>
                        <td class="num" data-label="Hits">${r.hits}</td>
                        <td class="num" data-label="Misses">${r.misses}</td>
                        <td class="num" data-label="Entries">${r.entries}</td>
                        <td class="num" data-label="Bytes">${r.bytes}</td>
                        <td>
                          <form method="post" action="${context.mount}ram/invalidate" class="inline">
                            ${csrfField(context)}<input type="hidden" name="object" value="${r.name}" /><button
                              type="submit"
                              class="secondary"
                            >
                              Invalidate <span class="skip">${r.name}</span>
                            </button>
                          </form>
                        </td>
                      </tr>`,
                  )
            }
          </tbody>
        </table>
      </div>`,
  );
}
