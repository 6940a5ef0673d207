import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadJwtSigningKeys, rotateJwtKeyFile } from './jwt-signing-keys';

describe('JWT signing key file', () => {
  let dir: string;
  let keyFile: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jwt-keys-'));
    keyFile = join(dir, 'keys.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a private ES256 key on first use, readable by its owner only, and reuses it afterwards', async () => {
    const first = await loadJwtSigningKeys({ keyFile });
    expect(first.privateKey).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', d: expect.any(String) });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect((await loadJwtSigningKeys({ keyFile })).privateKey).toEqual(first.privateKey);
  });

  it('rotates: a new signing key, and the old public key kept with its retirement time', async () => {
    const before = await loadJwtSigningKeys({ keyFile });
    const retiredAt = new Date('2030-01-01T00:00:00.000Z');
    await rotateJwtKeyFile(keyFile, retiredAt);

    const after = await loadJwtSigningKeys({ keyFile });
    expect(after.privateKey.d).not.toBe(before.privateKey.d);
    expect(after.previousKeys).toEqual([{ publicKey: expect.objectContaining({ x: before.privateKey.x, y: before.privateKey.y }), retiredAt }]);
    expect(JSON.stringify(after.previousKeys)).not.toContain(before.privateKey.d);
    expect(readFileSync(keyFile, 'utf8')).not.toContain(before.privateKey.d);
  });
});
