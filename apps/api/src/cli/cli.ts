import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { OAUTH_GRANT_TYPES, OAuthClientAdminError, OAuthClientAdminService, type OAuthClientField, type OAuthClientView } from '@nest-oauth/server';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import { ConfigurationError, loadAppConfig } from '../config/app-config';
import { UserAccountError, UserAccountsService } from '../users/user-accounts.service';
import { UsersService } from '../users/users.service';
import {
  CliInputError,
  MAX_BATCH_SIZE,
  parseBatchSize,
  parseEmail,
  parseGrantList,
  parsePersonName,
  parseRedirectUris,
  parseRoles,
  parseScopeList,
} from './cli-input';
import { CliModule } from './cli.module';
import { TokenPurgeService } from './token-purge.service';

/** Where the CLI reads and writes; `main.ts` passes the process's own, the tests pass their captures. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

/** Exit codes: 0 done, 1 refused (a mistake in the command, or something the operator can fix), 2 failed. */
export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_FAILED = 2;

const DEFAULT_GRANTS = 'password,refresh_token';
const DEFAULT_BATCH_SIZE = 1000;

/**
 * Runs one admin command. `argv` is what follows the script name (`process.argv.slice(2)`). Returns the exit
 * code instead of exiting, so the commands can run in-process. A mistake of the operator's is reported as one
 * line on stderr, never with a stack trace.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    // Commander has already printed its message (or the help, for --help, whose code is 0).
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliInputError || error instanceof UserAccountError || error instanceof ConfigurationError) {
      io.stderr.write(`error: ${error.message}\n`);
      return EXIT_REFUSED;
    }
    if (error instanceof OAuthClientAdminError) {
      // The service names its inputs as the library does; the operator typed them as options.
      io.stderr.write(`error: ${error.field ? `${CLIENT_OPTIONS[error.field]}: ` : ''}${error.message}\n`);
      return EXIT_REFUSED;
    }
    io.stderr.write(`error: the command failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
}

/** The option that carries each input of client administration. */
const CLIENT_OPTIONS: Record<OAuthClientField, string> = {
  id: '--id',
  secret: '--secret',
  name: '--name',
  grants: '--grants',
  scopes: '--scopes',
  defaultScopes: '--default-scopes',
  redirectUris: '--redirect-uris',
  tokenEndpointAuthMethod: '--public',
  firstParty: '--first-party',
};

interface ClientCreateOptions {
  id: string;
  secret?: string;
  public?: boolean;
  scopes: string[];
  grants: string[];
  defaultScopes?: string[];
  redirectUris?: string[];
  firstParty?: boolean;
  name?: string;
}

interface ClientUpdateOptions {
  id: string;
  scopes?: string[];
  grants?: string[];
  defaultScopes?: string[];
  redirectUris?: string[];
  firstParty?: boolean;
  name?: string;
  revokeGrants?: boolean;
}

interface UserCreateOptions {
  email: string;
  password?: string;
  firstname?: string;
  lastname?: string;
  roles?: string[];
}

function buildProgram(io: CliIo): Command {
  const print = (line = '') => io.stdout.write(`${line}\n`);
  const printSecret = (secret: string) => {
    print(`Client secret: ${secret}`);
    print('This is the only time the secret is shown: only its hash is stored. Keep it somewhere safe now.');
  };
  const program = new Command()
    .name('npm run cli --')
    .description('Administers the API: OAuth clients, user accounts and token storage, on the database of DATABASE_URL.')
    // Set before the commands are added, so that every command inherits them.
    .configureOutput({ writeOut: (text) => void io.stdout.write(text), writeErr: (text) => void io.stderr.write(text) })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .allowExcessArguments(false);

  const clientId = '1 to 128 printable ASCII characters, spaces included (RFC 6749 Appendix A.1); quote it in the shell';
  const scopesOption = (flags: string, description: string) => new Option(flags, description).argParser(asOption(parseScopeList));
  const grantsOption = () =>
    new Option('--grants <grants>', `comma-separated grant types, among ${OAUTH_GRANT_TYPES.join(', ')}`).argParser(asOption(parseGrantList));
  const defaultScopesOption = (description: string) =>
    new Option('--default-scopes <scopes>', description).argParser(asOption((value) => parseScopeList(value, { allowEmpty: true })));
  const redirectUrisOption = (description: string) =>
    new Option('--redirect-uris <uris>', description).argParser(asOption((value) => parseRedirectUris(value)));
  const revokeGrantsOption = (why: string) =>
    new Option('--revoke-grants', `also revoke all of the client's grants, so its tokens stop working at once (${why})`);

  program
    .command('client:create')
    .description('Registers an OAuth client. Without --secret or --public, a random secret is generated and printed once.')
    .requiredOption('--id <id>', `client id: ${clientId}`)
    .addOption(
      new Option('--secret <secret>', 'a secret of your own (stored with scrypt); omit it to have a strong one generated').conflicts('public'),
    )
    .option('--public', 'a public client (SPA, native app): no secret, authorization_code and refresh_token only')
    .addOption(scopesOption('--scopes <scopes>', 'space-separated scopes the client may be granted, e.g. "read write"').makeOptionMandatory())
    .addOption(grantsOption().default(parseGrantList(DEFAULT_GRANTS), DEFAULT_GRANTS))
    .addOption(defaultScopesOption('scopes granted when a request names none; a subset of --scopes (default: all of --scopes)'))
    .addOption(redirectUrisOption('space-separated redirect URIs, for the authorization_code grant'))
    .option('--first-party', "the operator's own client: its users are not asked to consent")
    .option('--name <name>', 'a human-readable name, for operators')
    .addHelpText(
      'after',
      '\nExamples:\n  npm run cli -- client:create --id mobile_app --scopes "read write" --default-scopes read --name "Mobile app"\n' +
        '  npm run cli -- client:create --id spa --public --scopes "openid read" --grants authorization_code,refresh_token ' +
        '--redirect-uris "https://app.example.com/callback"',
    )
    .action(async (options: ClientCreateOptions) => {
      const result = await withApp(io, (app) =>
        app.get(OAuthClientAdminService).create({
          id: options.id,
          secret: options.secret,
          tokenEndpointAuthMethod: options.public ? 'none' : undefined,
          name: options.name ?? null,
          grants: options.grants,
          scopes: options.scopes,
          defaultScopes: options.defaultScopes,
          redirectUris: options.redirectUris,
          firstParty: options.firstParty,
        }),
      );
      print(`Created client ${JSON.stringify(result.client.id)}: ${describeClient(result.client)}`);
      if (result.generatedSecret !== null) printSecret(result.generatedSecret);
    });

  program
    .command('client:list')
    .description('Lists the registered clients (never their secrets).')
    .addHelpText('after', '\nExample:\n  npm run cli -- client:list')
    .action(async () => {
      const clients = await withApp(io, (app) => app.get(OAuthClientAdminService).list());
      if (clients.length === 0) {
        print('No clients.');
        return;
      }
      const rows = clients.map((client) => [
        client.id,
        client.name ?? '',
        client.grants.join(','),
        client.scopes.join(' '),
        client.defaultScopes.join(' '),
      ]);
      for (const line of table(['ID', 'NAME', 'GRANTS', 'SCOPES', 'DEFAULT SCOPES'], rows)) print(line);
    });

  program
    .command('client:update')
    .description("Changes a client's grant types, scopes, default scopes or name; what is not given stays as it is.")
    .requiredOption('--id <id>', 'client id')
    .addOption(grantsOption())
    .addOption(scopesOption('--scopes <scopes>', 'the new space-separated scopes (replacing the old ones)'))
    .addOption(defaultScopesOption('the new default scopes; needed when the current ones are not all among the new --scopes'))
    .addOption(redirectUrisOption('the new space-separated redirect URIs (replacing the old ones)'))
    .option('--first-party', "mark the client as the operator's own: its users are not asked to consent")
    .option('--no-first-party', 'ask its users for consent again')
    .option('--name <name>', 'a new name ("" removes it)')
    .addOption(revokeGrantsOption('existing tokens otherwise keep the scopes they were issued with until they expire'))
    .addHelpText('after', '\nExample:\n  npm run cli -- client:update --id mobile_app --scopes "read" --default-scopes read --revoke-grants')
    .action(async (options: ClientUpdateOptions) => {
      const { id, revokeGrants, ...changes } = options;
      if (Object.keys(changes).length === 0)
        throw new CliInputError('nothing to change: give --grants, --scopes, --default-scopes, --redirect-uris, --first-party or --name');
      const updated = await withApp(io, (app) => app.get(OAuthClientAdminService).update(id, changes, { revokeGrants }));
      print(
        `Updated client ${JSON.stringify(updated.id)}: ${describeClient(updated)}${revokeGrants ? `; revoked ${plural(updated.revokedGrants, 'grant')}` : ''}.`,
      );
    });

  program
    .command('client:rotate-secret')
    .description("Replaces a client's secret; the old one stops working at once. Without --secret, a new one is generated and printed once.")
    .requiredOption('--id <id>', 'client id')
    .option('--secret <secret>', 'a secret of your own (stored with scrypt); omit it to have a strong one generated')
    .addOption(revokeGrantsOption('do so when the old secret leaked'))
    .addHelpText('after', '\nExample:\n  npm run cli -- client:rotate-secret --id mobile_app --revoke-grants')
    .action(async (options: { id: string; secret?: string; revokeGrants?: boolean }) => {
      const result = await withApp(io, (app) =>
        app.get(OAuthClientAdminService).rotateSecret(options.id, { secret: options.secret, revokeGrants: options.revokeGrants }),
      );
      const tokens = options.revokeGrants ? `revoked ${plural(result.revokedGrants, 'grant')}` : 'its tokens keep working until they expire';
      print(`Replaced the secret of client ${JSON.stringify(result.client.id)}; ${tokens}.`);
      if (result.generatedSecret !== null) printSecret(result.generatedSecret);
    });

  program
    .command('client:delete')
    .description('Deletes a client and revokes all of its grants, so that its tokens stop working at once.')
    .requiredOption('--id <id>', 'client id')
    .addHelpText('after', '\nExample:\n  npm run cli -- client:delete --id mobile_app')
    .action(async (options: { id: string }) => {
      const result = await withApp(io, (app) => app.get(OAuthClientAdminService).delete(options.id));
      print(`Deleted client ${JSON.stringify(options.id)}; revoked ${plural(result.revokedGrants, 'grant')}.`);
    });

  program
    .command('user:create')
    .description('Creates a user. Without --password, the password is read from standard input (its first line).')
    .requiredOption('--email <email>', 'email address, which is also the username', asOption(parseEmail))
    .option('--password <password>', 'the password; prefer standard input, which keeps it out of shell history and the process list')
    .option('--firstname <name>', 'first name', asOption(parsePersonName))
    .option('--lastname <name>', 'last name', asOption(parsePersonName))
    .option('--roles <roles>', 'comma-separated roles (default: USER)', asOption(parseRoles))
    .addHelpText(
      'after',
      '\nExample:\n  printf "%s\\n" "$PASSWORD" | npm run cli -- user:create --email ada@example.org --firstname Ada --roles USER,ADMIN',
    )
    .action(async (options: UserCreateOptions) => {
      const user = await withApp(io, async (app) => {
        // Checked before asking for a password, so nobody types one for nothing.
        if (await app.get(UsersService).findByEmail(options.email)) throw new CliInputError(`A user with email "${options.email}" already exists`);
        const password = await passwordOption(options.password, io);
        return app.get(UserAccountsService).create({
          email: options.email,
          password,
          firstname: options.firstname,
          lastname: options.lastname,
          roles: options.roles,
        });
      });
      print(`Created user #${user.id} ${user.email} (roles: ${user.roles.join(',')}).`);
    });

  program
    .command('user:disable')
    .description("Disables a user and revokes all of the user's grants, so that every token of theirs stops working at once.")
    .requiredOption('--email <email>', "the user's email address", asOption(parseEmail))
    .addHelpText('after', '\nExample:\n  npm run cli -- user:disable --email ada@example.org')
    .action(async (options: { email: string }) => {
      const result = await withApp(io, (app) => app.get(UserAccountsService).disable(options.email));
      const state = result.wasDisabled ? 'was already disabled' : 'is now disabled';
      print(`User #${result.user.id} ${result.user.email} ${state}; revoked ${plural(result.revokedGrants, 'grant')}.`);
    });

  program
    .command('user:set-password')
    .description("Sets a user's password and revokes all of the user's grants. Without --password, it is read from standard input.")
    .requiredOption('--email <email>', "the user's email address", asOption(parseEmail))
    .option('--password <password>', 'the new password; prefer standard input, which keeps it out of shell history and the process list')
    .addHelpText('after', '\nExample:\n  printf "%s\\n" "$PASSWORD" | npm run cli -- user:set-password --email ada@example.org')
    .action(async (options: { email: string; password?: string }) => {
      const result = await withApp(io, async (app) => {
        if (!(await app.get(UsersService).findByEmail(options.email))) throw new CliInputError(`No user with email "${options.email}"`);
        const password = await passwordOption(options.password, io);
        return app.get(UserAccountsService).setPassword(options.email, password);
      });
      print(`Changed the password of user #${result.user.id} ${result.user.email}; revoked ${plural(result.revokedGrants, 'grant')}.`);
    });

  program
    .command('token:purge')
    .description(
      'Deletes expired access and refresh tokens, authorization codes, browser sessions and brute-force counters, and revoked grants (with their tokens), in bounded batches.',
    )
    .option('--batch-size <n>', `rows deleted per transaction, 1 to ${MAX_BATCH_SIZE}`, asOption(parseBatchSize), DEFAULT_BATCH_SIZE)
    .addHelpText('after', '\nExample (e.g. from cron):\n  npm run cli -- token:purge --batch-size 5000')
    .action(async (options: { batchSize: number }) => {
      const counts = await withApp(io, (app) => app.get(TokenPurgeService).purge(options.batchSize));
      print(`Deleted ${plural(counts.accessTokens, 'expired access token')}.`);
      print(`Deleted ${plural(counts.refreshTokens, 'expired refresh token')}.`);
      print(`Deleted ${plural(counts.revokedGrants, 'revoked grant')} (with their tokens).`);
      print(`Deleted ${plural(counts.loginAttemptCounters, 'expired login-attempt counter')}.`);
      print(`Deleted ${plural(counts.clientFailureCounters, 'expired client-failure counter')}.`);
      print(`Deleted ${plural(counts.authorizationCodes, 'expired authorization code')}.`);
      print(`Deleted ${plural(counts.browserSessions, 'expired browser session')}.`);
    });

  return program;
}

/** Opens the app's database and services without the HTTP layer, runs `work`, and closes it again. */
async function withApp<T>(io: CliIo, work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const config = loadAppConfig(io.env);
  // abortOnError: false, or a failure to boot (an unreadable database file) would abort the process.
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: false, abortOnError: false });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

/** Turns our input errors into Commander's, so it reports them as "option '--x <x>' argument '...' is invalid". */
function asOption<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      if (error instanceof CliInputError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}

async function passwordOption(given: string | undefined, io: CliIo): Promise<string> {
  const password = given ?? (await readPassword(io));
  if (password.length === 0) throw new CliInputError('The password must not be empty');
  return password;
}

/**
 * The first line of standard input. At a terminal it asks for it and does not echo what is typed; from a pipe
 * it just reads the line.
 */
async function readPassword(io: CliIo): Promise<string> {
  const interactive = io.stdin.isTTY === true;
  if (interactive) io.stderr.write('Password (not shown): ');
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  const lines = createInterface({ input: io.stdin, output: interactive ? discard : undefined, terminal: interactive });
  try {
    const line = await new Promise<string | null>((resolve) => {
      lines.once('line', resolve);
      lines.once('close', () => resolve(''));
      lines.once('SIGINT', () => resolve(null));
    });
    if (line === null) throw new CliInputError('Cancelled');
    return line;
  } finally {
    lines.close();
    if (interactive) io.stderr.write('\n');
  }
}

function describeClient(client: OAuthClientView): string {
  return (
    `grants ${client.grants.join(',')}; scopes ${client.scopes.join(' ')}; default scopes ${client.defaultScopes.join(' ') || '(none)'}` +
    (client.redirectUris.length > 0 ? `; redirect URIs ${client.redirectUris.join(' ')}` : '') +
    (client.tokenEndpointAuthMethod === 'none' ? '; public (no secret)' : '') +
    (client.firstParty ? '; first party' : '')
  );
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  return [header, ...rows].map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd(),
  );
}
