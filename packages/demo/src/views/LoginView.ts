import { cacheRuleset } from '@cacheset/core';
import { html } from './html.js';
import { layout } from './layout.js';
import { htmlPage, type Rendered } from './Rendered.js';
import type { Stylesheet } from './Stylesheet.js';
import type { Visitor } from './Visitor.js';

export interface LoginState {
  /** The token for this form (also in a cookie: the form must come from this site). */
  readonly csrfToken: string;
  readonly error?: string;
  /** Where to go after logging in. */
  readonly next?: string;
}

/** `/login`: the editor logs in with the editor token (never cached). */
@cacheRuleset('gallery.editing')
export class LoginView {
  constructor(
    readonly visitor: Visitor,
    readonly stylesheet: Stylesheet,
    readonly state: LoginState,
  ) {}

  render(): Rendered {
    const { error, csrfToken, next } = this.state;
    const main = html`<section class="narrow">
      <h1>Log in to edit</h1>
      ${
        this.visitor.editor
          ? html`<p>You are logged in as the editor. Open any image and choose “Edit this image”.</p>`
          : html`<p>Give the editor token that the site printed when it started (or <code>DEMO_EDITOR_TOKEN</code>).</p>
              ${error !== undefined && html`<div class="alert" role="alert"><p>${error}</p></div>`}
              <form class="form" method="post" action="/login">
                <input type="hidden" name="csrf" value="${csrfToken}" />
                <input type="hidden" name="next" value="${next ?? '/'}" />
                <label for="token">Editor token</label>
                <input id="token" name="token" type="password" autocomplete="current-password" required autofocus />
                <div class="actions"><button class="button" type="submit">Log in</button></div>
              </form>`
      }
    </section>`;
    return htmlPage(
      layout({ title: 'Log in', visitor: this.visitor, stylesheet: this.stylesheet, main, section: 'login' }),
      error === undefined ? 200 : 401,
    );
  }
}
