import type { Rendered } from './Rendered.js';

/** Every view: made for one request (or once, for views that do not depend on it), then rendered. */
export interface View {
  render(): Rendered | undefined;
}
