/** @module pg-utils: the type of node-postgres' parameter serializer (the package ships no declaration for it). */
declare module 'pg/lib/utils.js' {
  /** A JS value as node-postgres sends it as a query parameter: text, a Buffer (binary), or null. */
  export function prepareValue(value: unknown): string | Buffer | null;
}
