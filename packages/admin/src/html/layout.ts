import { html, type SafeHtml } from './html.js';

/** The screens, in the navigation's order. */
export const SCREENS = [
  { path: '', title: 'Overview' },
  { path: 'rulesets', title: 'Rulesets' },
  { path: 'policy', title: 'Policy' },
  { path: 'ram', title: 'RAM cache' },
  { path: 'purge', title: 'Disk and purging' },
  { path: 'explain', title: 'Explain a URL' },
] as const;

export type ScreenPath = (typeof SCREENS)[number]['path'];

export interface PageContext {
  readonly mount: string;
  readonly title: string;
  /** The session's CSRF token, for the forms; undefined on the log-in page. */
  readonly csrf: string | undefined;
}

/** The hidden field every state-changing form carries. */
export function csrfField(context: PageContext): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${context.csrf ?? ''}" />`;
}

/** One page: a skip link, the header with log-out, the screens' navigation, and the screen. */
export function layout(context: PageContext, current: ScreenPath | 'login', heading: string, body: SafeHtml): string {
  const nav =
    current === 'login'
      ? html``
      : html`<nav class="screens" aria-label="Screens">
          <ul>
            ${SCREENS.map(
              (s) =>
                html`<li>
                  <a href="${context.mount}${s.path}" ${s.path === current ? html` aria-current="page"` : ''}
                    >${s.title}</a
                  >
                </li>`,
            )}
          </ul>
        </nav>`;
  const logout =
    current === 'login'
      ? html``
      : html`<form method="post" action="${context.mount}logout">
          ${csrfField(context)}<button class="secondary" type="submit">Log out</button>
        </form>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>${heading} · ${context.title} caching</title>
        <link rel="stylesheet" href="${context.mount}admin.css" />
      </head>
      <body>
        <a class="skip" href="#main">Skip to the screen</a>
        <header class="top"><a class="brand" href="${context.mount}">${context.title} caching</a>${logout}</header>
        ${nav}
        <main id="main">
          <h1>${heading}</h1>
          ${body}
        </main>
      </body>
    </html> `.text;
}

export function notice(text: string | undefined): SafeHtml {
  return text === undefined ? html`` : html`<p class="notice" role="status">${text}</p>`;
}

export function problem(text: string | undefined): SafeHtml {
  return text === undefined ? html`` : html`<div class="problem" role="alert">${text}</div>`;
}
