// One implementation for every test project: the http package's test project cannot import files
// outside its rootDir, while this project (rootDir: the repository) can import the package's.
export { freePort } from '../../packages/http/test/fixtures/wire.js';
