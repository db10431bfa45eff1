import { html } from '../html.js';
import { layout, problem, type PageContext } from '../layout.js';

/** The log-in form: the admin token, and the form's own CSRF token (double-submitted with a cookie). */
export function loginScreen(context: PageContext, loginCsrf: string, message?: string): string {
  return layout(
    context,
    'login',
    'Log in',
    html`${problem(message)}
      <p class="lead">
        The caching control panel needs the admin token: the one the application printed at its first start, or
        <code>CACHESET_ADMIN_TOKEN</code>.
      </p>
      <form method="post" action="${context.mount}login">
        <input type="hidden" name="csrf" value="${loginCsrf}" />
        <label for="token">Admin token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required autofocus />
        <div><button type="submit">Log in</button></div>
      </form>`,
  );
}
