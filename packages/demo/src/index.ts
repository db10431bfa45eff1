/**
 * @cacheset/demo: the cacheset gallery. Private: `npm start`, `npm run seed` and `npm run stack` run
 * it; the repository's end-to-end tests start it in-process through these exports.
 *
 * @module
 */
export type { DemoSettings, PurgeProxySetting } from './config/DemoSettings.js';
export { loadSettings, SETTINGS } from './config/loadSettings.js';
export { DemoErrorCodes, type DemoErrorCode, type FieldErrors } from './domain/DemoErrorCodes.js';
export { Gallery } from './domain/Gallery.js';
export { Image } from './domain/Image.js';
export { placeholderImages } from './images/placeholder.js';
export { encodePng } from './images/encodePng.js';
export { encodeJpeg } from './images/encodeJpeg.js';
export { drawArtwork } from './images/drawArtwork.js';
export { SESSION_COOKIE, LOGIN_CSRF_COOKIE } from './server/EditorAuth.js';
export { Site } from './server/Site.js';
export { startSite, type RunningSite, type StartOptions } from './server/startSite.js';
export { describeSite } from './server/describeSite.js';
export { runStack, type Stack } from './stack/runStack.js';
export { shippedVcl } from './stack/startProxies.js';
export { runFleet, type Fleet } from './stack/runFleet.js';
export { ChildServer } from './stack/ChildServer.js';
export { readStackShape, type StackShape } from './stack/StackShape.js';
