import type { INestApplicationContext } from '@nestjs/common';
import { OAuthClientAdminService, type NewOAuthClient, type OAuthClientView } from '@nest-oauth/server';

/** The shop's web front end: its users sign in with their passwords, and stay signed in with refresh tokens. */
export const SHOP_CLIENT = {
  id: 'shop',
  name: 'Shop',
  grants: ['password', 'refresh_token'],
  scopes: ['orders:read', 'orders:write'],
  defaultScopes: ['orders:read'],
} satisfies NewOAuthClient;

/**
 * Registers the shop's client, or brings the registered one up to date: run it from a seed or a deployment script.
 * A new client's secret is generated here and returned this once (the database keeps a digest only); `null` when
 * the client was there already.
 */
export async function registerClient(app: INestApplicationContext): Promise<string | null> {
  const admin = app.get(OAuthClientAdminService);
  const { id, ...settings } = SHOP_CLIENT;
  if (await admin.find(id)) {
    // Tokens already issued keep their scope until they expire; `{ revokeGrants: true }` would end them now.
    await admin.update(id, settings);
    return null;
  }
  const { generatedSecret } = await admin.create(SHOP_CLIENT);
  return generatedSecret;
}

/** Every registered client, for an admin screen: never a secret, nor its hash. */
export async function listClients(app: INestApplicationContext): Promise<OAuthClientView[]> {
  return app.get(OAuthClientAdminService).list();
}

/** After a leak: a new secret, returned this once; the old one fails at once, and every token issued so far is revoked. */
export async function rotateClientSecret(app: INestApplicationContext): Promise<string | null> {
  const { generatedSecret } = await app.get(OAuthClientAdminService).rotateSecret(SHOP_CLIENT.id, { revokeGrants: true });
  return generatedSecret;
}

/** Retires the client: its grants are revoked with it, so its tokens stop working at once. */
export async function removeClient(app: INestApplicationContext): Promise<number> {
  const { revokedGrants } = await app.get(OAuthClientAdminService).delete(SHOP_CLIENT.id);
  return revokedGrants;
}
