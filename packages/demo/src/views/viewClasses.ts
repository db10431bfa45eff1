import { EditImageView } from './EditImageView.js';
import { ErrorPageView } from './ErrorPageView.js';
import { FeedView } from './FeedView.js';
import { FrontPageView } from './FrontPageView.js';
import { ImageDataView } from './ImageDataView.js';
import { ImageMovedView } from './ImageMovedView.js';
import { ImagePageView } from './ImagePageView.js';
import { LoginView } from './LoginView.js';
import { StylesheetView } from './StylesheetView.js';

/** Every view of the site: start-up checks that each one's ruleset is declared in the policy file. */
export const VIEW_CLASSES = [
  FrontPageView,
  ImagePageView,
  ImageDataView,
  FeedView,
  StylesheetView,
  EditImageView,
  LoginView,
  ErrorPageView,
  ImageMovedView,
] as const;
