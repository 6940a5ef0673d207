import { QueryFailedError } from 'typeorm';
import { OAuthError } from './oauth.error';
import { StorageUnavailable } from './storage-unavailable';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('StorageUnavailable', () => {
  it.each([
    ['a refused connection', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ["pg-pool's connection timeout", new Error('timeout exceeded when trying to connect')],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
    ['a server shutting down (57P01)', withCode('terminating connection due to administrator command', '57P01')],
    ['too many connections (53300)', withCode('sorry, too many clients already', '53300')],
    [
      'a sqlite lock past the busy timeout, wrapped by TypeORM',
      new QueryFailedError('UPDATE x', [], withCode('SQLITE_BUSY: database is locked', 'SQLITE_BUSY')),
    ],
  ])('matches %s', (_name, error) => {
    expect(error instanceof StorageUnavailable).toBe(true);
    expect(OAuthError.unexpected(error)).toMatchObject({ error: 'temporarily_unavailable', status: 503, retryAfterSeconds: 2 });
  });

  it.each([
    ['a missing table (42P01)', withCode('relation "oauth_clients" does not exist', '42P01')],
    ['a unique violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error at all', { code: 'ECONNREFUSED' }],
  ])('does not match %s', (_name, error) => {
    expect(error instanceof StorageUnavailable).toBe(false);
    expect(OAuthError.unexpected(error)).toMatchObject({ error: 'server_error', status: 500 });
  });
});
