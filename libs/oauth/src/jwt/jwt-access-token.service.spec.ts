import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { MisconfigurationError } from '../errors/misconfiguration.error';
import { resolveOAuthOptions } from '../oauth-options';
import { JwtAccessTokenService } from './jwt-access-token.service';

const ISSUER = 'https://auth.example.com';
const TTL = 600;

async function newPrivateKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), alg: 'ES256' };
}

async function service(privateKey: JWK, previousKeys: { publicKey: JWK; retiredAt: Date }[] = []): Promise<JwtAccessTokenService> {
  const jwt = new JwtAccessTokenService(
    resolveOAuthOptions({ accessTokenFormat: 'jwt', issuer: ISSUER, accessTokenTtl: TTL, jwt: { privateKey, previousKeys } }),
  );
  await jwt.onModuleInit();
  return jwt;
}

const claims = () => {
  const issuedAt = new Date();
  return { clientId: 'app', userId: '7', grantId: 'g1', scope: ['read'], issuedAt, expiresAt: new Date(issuedAt.getTime() + TTL * 1000) };
};

const publicPart = ({ d: _d, ...rest }: JWK): JWK => rest;

describe('JwtAccessTokenService key rotation', () => {
  it('keeps verifying tokens of the previous key, and publishes it, until its last token has expired', async () => {
    const oldKey = await newPrivateKey();
    const tokenFromOldKey = await (await service(oldKey)).sign(claims());

    const rotated = await service(await newPrivateKey(), [{ publicKey: publicPart(oldKey), retiredAt: new Date() }]);
    expect(rotated.publicJwks().keys).toHaveLength(2);
    await expect(rotated.verify(tokenFromOldKey)).resolves.toMatchObject({ userId: '7', clientId: 'app', grantId: 'g1', scopes: ['read'] });
    await expect(rotated.verify(await rotated.sign(claims()))).resolves.toMatchObject({ userId: '7' });
  });

  it('withdraws a previous key once every token it signed has expired', async () => {
    const oldKey = await newPrivateKey();
    const tokenFromOldKey = await (await service(oldKey)).sign(claims());
    const longAgo = new Date(Date.now() - (TTL + 1) * 1000);

    const rotated = await service(await newPrivateKey(), [{ publicKey: publicPart(oldKey), retiredAt: longAgo }]);
    expect(rotated.publicJwks().keys).toHaveLength(1);
    await expect(rotated.verify(tokenFromOldKey)).resolves.toBeNull();
  });

  it('never publishes a private key part', async () => {
    const jwt = await service(await newPrivateKey());
    expect(jwt.publicJwks().keys.every((key) => key.d === undefined)).toBe(true);
  });

  it('refuses to start without a key or an issuer', () => {
    expect(() => resolveOAuthOptions({ accessTokenFormat: 'jwt', issuer: ISSUER })).toThrow(MisconfigurationError);
    expect(() => resolveOAuthOptions({ accessTokenFormat: 'jwt', jwt: { privateKey: {} as JWK } })).toThrow(MisconfigurationError);
  });

  it('gives a client_credentials token no user', async () => {
    const jwt = await service(await newPrivateKey());
    await expect(jwt.verify(await jwt.sign({ ...claims(), userId: null }))).resolves.toMatchObject({ userId: null, clientId: 'app' });
  });
});

describe('JwtAccessTokenService verified-token memory', () => {
  it('answers a token it verified before from memory until the token expires, and never a tampered copy', async () => {
    const jwt = await service(await newPrivateKey());
    const issued = claims();
    const token = await jwt.sign(issued);
    const first = await jwt.verify(token);
    expect(first).toMatchObject({ userId: '7', scopes: ['read'] });
    expect(Object.isFrozen(first)).toBe(true);
    // The same principal object, not a second signature check.
    await expect(jwt.verify(token)).resolves.toBe(first);
    await expect(jwt.verify(token, new Date(first!.expiresAt.getTime() - 1))).resolves.toBe(first);
    await expect(jwt.verify(token, first!.expiresAt)).resolves.toBeNull();

    const [header, payload, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), scope: 'read admin' })).toString(
      'base64url',
    );
    await expect(jwt.verify(`${header}.${forged}.${signature}`)).resolves.toBeNull();
  });
});
