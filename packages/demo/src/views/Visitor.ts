/** Who is looking, as far as a page's content depends on it. */
export interface Visitor {
  /** Logged in with the editor token: pages show editing links. */
  readonly editor: boolean;
  /** The session's token for forms that change something (log out, edit, delete). */
  readonly csrfToken?: string;
}

export const ANONYMOUS: Visitor = { editor: false };
