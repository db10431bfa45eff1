/**
 * @cacheset/ram
 *
 * @module
 */
export {};
