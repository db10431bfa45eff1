/**
 * @cacheset/fs
 *
 * @module
 */
export {};
