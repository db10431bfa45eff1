import { html, type SafeHtml } from './html.js';
import type { Stylesheet } from './Stylesheet.js';
import type { Visitor } from './Visitor.js';

export interface PageParts {
  readonly title: string;
  readonly visitor: Visitor;
  readonly stylesheet: Stylesheet;
  readonly main: SafeHtml;
  readonly description?: string;
  /** For the header's "current page" mark. */
  readonly section?: 'home' | 'login';
}

const dateTime = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
});

function account(visitor: Visitor): SafeHtml {
  if (!visitor.editor) return html`<a class="nav-link" href="/login">Log in</a>`;
  return html`<span class="badge">Editor</span>
    <form class="inline" method="post" action="/logout">
      <input type="hidden" name="csrf" value="${visitor.csrfToken ?? ''}" />
      <button class="link-button" type="submit">Log out</button>
    </form>`;
}

/** The frame of every HTML page: header, main content, footer. */
export function layout(parts: PageParts): SafeHtml {
  const pageTitle = parts.section === 'home' ? parts.title : `${parts.title} · cacheset gallery`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${pageTitle}</title>
        ${parts.description === undefined ? '' : html`<meta name="description" content="${parts.description}" />`}
        <link rel="stylesheet" href="${parts.stylesheet.url}" />
        <link rel="alternate" type="application/feed+json" title="cacheset gallery" href="/feed.json" />
      </head>
      <body>
        <header class="site-header">
          <a class="brand" href="/"><span class="brand-mark" aria-hidden="true"></span>cacheset gallery</a>
          <nav class="site-nav">
            <a class="nav-link" href="/feed.json">Feed</a>
            ${account(parts.visitor)}
          </nav>
        </header>
        <main class="site-main">${parts.main}</main>
        <footer class="site-footer">
          <p>
            A demo of cacheset, policy-driven HTTP caching for Node web applications. This page was rendered at
            ${dateTime.format(new Date())}; a cached copy keeps that time.
          </p>
        </footer>
      </body>
    </html> `;
}

const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

export function formatDay(date: Date): string {
  return day.format(date);
}
