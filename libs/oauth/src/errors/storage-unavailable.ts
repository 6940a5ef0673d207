/**
 * Node's socket errors: the database server is down, restarting, or cut off from this one. A request can only
 * wait for it to come back.
 */
const SOCKET_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * sqlite's equivalents: the file stayed locked beyond the busy timeout, or the disk failed or filled up. The
 * request was not served, and the same request may well succeed a moment later.
 */
const SQLITE_ERROR_CODES = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_IOERR', 'SQLITE_FULL', 'SQLITE_CANTOPEN']);

/**
 * PostgreSQL's SQLSTATE classes and codes for "not now": 08 connection exceptions, 53 insufficient resources
 * (too many connections, disk full, out of memory), 57P01-57P03 a server shutting down or starting up.
 */
const POSTGRES_UNAVAILABLE = /^(08...|53...|57P0[1-3])$/;

/**
 * node-postgres and its pool report a lost or never-made connection with these messages and no code (`pg` and
 * `pg-pool`'s own texts).
 */
const POSTGRES_CONNECTION_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];

/**
 * Matches the errors a database driver raises when the database cannot be reached or cannot take the request now,
 * as opposed to a bug or a broken schema: on PostgreSQL (node-postgres), a refused or lost connection, a pool or
 * query timeout, a server shutting down; on sqlite, a lock held past the busy timeout or a disk error. TypeORM
 * wraps a failed query in `QueryFailedError`, which copies the driver's code and keeps the original as
 * `driverError`; both are looked at, and so is a `cause`. Used with `instanceof`, as `@Catch()` does.
 */
export class StorageUnavailable {
  static [Symbol.hasInstance](value: unknown): boolean {
    return isStorageUnavailable(value, 0);
  }
}

function isStorageUnavailable(value: unknown, depth: number): boolean {
  if (!(value instanceof Error) || depth > 3) return false;
  const error = value as Error & { code?: unknown; driverError?: unknown };
  const code = typeof error.code === 'string' ? error.code : undefined;
  if (code && (SOCKET_ERROR_CODES.has(code) || SQLITE_ERROR_CODES.has(code) || POSTGRES_UNAVAILABLE.test(code))) return true;
  if (POSTGRES_CONNECTION_MESSAGES.some((message) => error.message.startsWith(message))) return true;
  return isStorageUnavailable(error.driverError, depth + 1) || isStorageUnavailable(error.cause, depth + 1);
}
