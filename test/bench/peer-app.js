// @ts-check
'use strict';

/**
 * The benchmark's peer: the library a Node team would otherwise pick, `@node-oauth/oauth2-server`, on Express,
 * with the in-memory model its documentation shows (clients, users and tokens kept in the process; passwords
 * and client secrets compared as plain text; nothing written to disk). The model keeps its records in Maps keyed
 * by token rather than the documentation's arrays searched with `filter()`, so the peer does not slow down as
 * tokens pile up during a run: the comparison is against the peer at its best.
 *
 * It serves the reference app's demo client and user (and the benchmark's `client_credentials` client), the
 * token endpoint (`password`, `refresh_token` with a new refresh token on every use, `client_credentials`) at
 * `POST /oauth/token`, and `GET /me` behind `authenticate({ scope: 'read' })`, answering the user as the
 * reference app's `/me` does. `PORT` is the port; it listens on 127.0.0.1 only. Plain JavaScript: no build step.
 */

const express = require('express');
const OAuth2Server = require('@node-oauth/oauth2-server');

const { Request: OAuthRequest, Response: OAuthResponse } = OAuth2Server;

/** The reference app's demo records (see apps/api/src/seed), and the benchmark's service client. */
const CLIENTS = [
  { id: 'breakout_app', secret: '123456789', grants: ['password', 'refresh_token'], scopes: ['read', 'write'] },
  { id: 'bench_service', secret: process.env.PEER_SERVICE_SECRET ?? 'bench_service_secret', grants: ['client_credentials'], scopes: ['read'] },
];
const USERS = [{ id: 1, email: 'admin@break-out.org', password: 'password', firstname: 'Admin', lastname: 'Break Out', roles: ['ADMIN', 'USER'] }];

/** The documented in-memory model, keyed. */
const model = {
  clients: new Map(CLIENTS.map((client) => [client.id, client])),
  users: new Map(USERS.map((user) => [user.email, user])),
  /** @type {Map<string, any>} */ accessTokens: new Map(),
  /** @type {Map<string, any>} */ refreshTokens: new Map(),

  /** @param {string} clientId @param {string | null} clientSecret */
  async getClient(clientId, clientSecret) {
    const client = this.clients.get(clientId);
    if (!client || (clientSecret !== null && client.secret !== clientSecret)) return false;
    return { id: client.id, grants: client.grants, scopes: client.scopes };
  },
  /** @param {string} username @param {string} password */
  async getUser(username, password) {
    const user = this.users.get(username);
    return user && user.password === password ? user : false;
  },
  /** @param {{ id: string }} client */
  async getUserFromClient(client) {
    return { clientOnly: client.id };
  },
  /** @param {any} user @param {{ scopes: string[] }} client @param {string[] | undefined} scope */
  async validateScope(user, client, scope) {
    const requested = scope ?? client.scopes;
    return requested.every((item) => client.scopes.includes(item)) ? requested : false;
  },
  /** @param {{ scope?: string[] }} token @param {string[]} required */
  async verifyScope(token, required) {
    return required.every((item) => (token.scope ?? []).includes(item));
  },
  /** @param {any} token @param {any} client @param {any} user */
  async saveToken(token, client, user) {
    const saved = { ...token, client, user };
    this.accessTokens.set(token.accessToken, saved);
    if (token.refreshToken) this.refreshTokens.set(token.refreshToken, saved);
    return saved;
  },
  /** @param {string} accessToken */
  async getAccessToken(accessToken) {
    return this.accessTokens.get(accessToken) ?? false;
  },
  /** @param {string} refreshToken */
  async getRefreshToken(refreshToken) {
    return this.refreshTokens.get(refreshToken) ?? false;
  },
  /** @param {{ refreshToken: string }} token */
  async revokeToken(token) {
    return this.refreshTokens.delete(token.refreshToken);
  },
};

const oauth = new OAuth2Server({ model, accessTokenLifetime: 3600, refreshTokenLifetime: 1209600 });

/** Sends what the library put on its Response. @param {import('express').Response} res @param {InstanceType<typeof OAuthResponse>} response */
function send(res, response) {
  res.set(response.headers);
  res.status(response.status ?? 200).json(response.body);
}

/** @param {import('express').Response} res @param {any} error */
function sendError(res, error) {
  res.status(error.code ?? 500).json({ error: error.name, error_description: error.message });
}

const app = express();
app.disable('x-powered-by');
app.use(express.urlencoded({ extended: false, limit: '16kb' }));

app.post('/oauth/token', async (req, res) => {
  const response = new OAuthResponse(res);
  try {
    await oauth.token(new OAuthRequest(req), response);
    send(res, response);
  } catch (error) {
    sendError(res, error);
  }
});

app.get('/me', async (req, res) => {
  try {
    const token = await oauth.authenticate(new OAuthRequest(req), new OAuthResponse(res), { scope: 'read' });
    const { id, email, firstname, lastname, roles } = token.user;
    res.json({ id, email, firstname, lastname, roles });
  } catch (error) {
    sendError(res, error);
  }
});

app.get('/health', (_req, res) => res.json({ status: 'ok' }));

app.listen(Number(process.env.PORT ?? 3002), '127.0.0.1');
