/**
 * @cacheset/purge
 *
 * @module
 */
export {};
