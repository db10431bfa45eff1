/**
 * The admin's only stylesheet, served at `<mount>admin.css` (the pages allow no inline style). Plain
 * CSS for a narrow screen first; contrast of text on its background is at least 4.5:1 everywhere.
 */
export const STYLESHEET = `
:root { --ink: #1d232b; --muted: #4a5563; --line: #c9d1da; --bg: #f6f8fa; --accent: #0b5cad; --ok: #1a6b2f; --bad: #a32020; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible {
  outline: 3px solid #f0a400; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem; }
.skip:focus { left: .5rem; }
header.top { background: #14324f; color: #fff; padding: .5rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; }
header.top .brand { font-weight: 700; color: #fff; text-decoration: none; margin-right: auto; }
header.top form { margin: 0; }
nav.screens ul { list-style: none; margin: 0; padding: 0 1rem; display: flex; flex-wrap: wrap; gap: .25rem; border-bottom: 1px solid var(--line); background: var(--bg); }
nav.screens a { display: block; padding: .5rem .75rem; text-decoration: none; border-bottom: 3px solid transparent; }
nav.screens a[aria-current="page"] { border-bottom-color: var(--accent); font-weight: 600; color: var(--ink); }
main { padding: 1rem; max-width: 72rem; }
h1 { font-size: 1.5rem; margin: .25rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
p.lead { color: var(--muted); margin-top: 0; }
.notice { padding: .5rem .75rem; border-left: 4px solid var(--ok); background: #eef7f0; margin: 0 0 1rem; }
.problem { padding: .5rem .75rem; border-left: 4px solid var(--bad); background: #fbeeee; margin: 0 0 1rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .9em; overflow-wrap: anywhere; }
pre { background: var(--bg); padding: .5rem; overflow-x: auto; }
.layers { display: grid; grid-template-columns: repeat(auto-fit, minmax(14rem, 1fr)); gap: .75rem; margin: 0; padding: 0; list-style: none; }
.layers li { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; }
.state { font-weight: 600; }
.state.on { color: var(--ok); }
.state.off { color: var(--bad); }
.state.na { color: var(--muted); }
form.inline { display: inline; }
label { display: block; font-weight: 600; margin: .5rem 0 .25rem; }
input[type="text"], input[type="password"], input[type="url"], select, textarea { font: inherit; padding: .4rem .5rem; border: 1px solid #6b7785; border-radius: 4px; width: 100%; max-width: 40rem; background: #fff; color: var(--ink); }
textarea { min-height: 5rem; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85rem; }
#document { min-height: 18rem; }
button { font: inherit; padding: .4rem .9rem; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; margin: .5rem .5rem .5rem 0; }
button.secondary { background: #fff; color: var(--accent); }
button.danger { background: var(--bad); border-color: var(--bad); }
.row { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; }
.row > div { flex: 1 1 14rem; }
.hint { color: var(--muted); font-size: .9rem; margin: .25rem 0; }
.chart { max-width: 40rem; }
.chart svg { width: 100%; height: auto; display: block; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: .5rem 0 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.yes { color: var(--ok); font-weight: 600; }
.no { color: var(--bad); font-weight: 600; }
.phone-only { display: none; }
@media (max-width: 40rem) {
  .phone-only { display: block; }
  main { padding: .75rem; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: .5rem; }
  th, td { padding: .3rem .35rem; }
  /* Wide tables become one block per row, each value labelled, instead of scrolling sideways. */
  table.stack thead { position: absolute; left: -9999px; }
  table.stack tr { display: block; border-bottom: 1px solid var(--line); padding: .35rem 0; }
  table.stack th, table.stack td { display: block; border: 0; padding: .1rem .35rem; text-align: left; }
  table.stack td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; }
}
`;
