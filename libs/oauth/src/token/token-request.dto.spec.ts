import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { TokenRequestDto } from './token-request.dto';
import { TokenController } from './token.controller';

/** The pipe `POST /oauth/token` actually runs on its body, read from the route's own metadata. */
function bodyPipeOfTokenRoute(): PipeTransform {
  const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, TokenController, 'token') as Record<string, { pipes: PipeTransform[] }>;
  const [body] = Object.entries(args).filter(([key]) => key.startsWith(`${RouteParamtypes.BODY}:`));
  expect(body[1].pipes).toHaveLength(1);
  return body[1].pipes[0];
}

describe('token request parameters (RFC 6749 §3.2)', () => {
  const metadata: ArgumentMetadata = { type: 'body', metatype: TokenRequestDto };
  const parse = (body: Record<string, unknown>) => bodyPipeOfTokenRoute().transform(body, metadata) as Promise<TokenRequestDto>;

  it('reads the parameters of a password request (RFC 6749 §4.3.2)', async () => {
    const request = await parse({ grant_type: 'password', username: 'alice', password: 'pw', scope: 'read write' });
    expect(request).toBeInstanceOf(TokenRequestDto);
    expect(request).toMatchObject({ grant_type: 'password', username: 'alice', password: 'pw', scope: 'read write' });
  });

  it('ignores parameters it does not know', async () => {
    const request = await parse({ grant_type: 'refresh_token', refresh_token: 'r', resource: 'https://api.example', extra: 'y' });
    expect(request).toEqual(Object.assign(new TokenRequestDto(), { grant_type: 'refresh_token', refresh_token: 'r' }));
    expect(request).not.toHaveProperty('extra');
  });

  it('treats a parameter sent without a value as omitted', async () => {
    const request = await parse({ grant_type: 'password', username: '', password: '', scope: '' });
    expect(request.username).toBeUndefined();
    expect(request.password).toBeUndefined();
    expect(request.scope).toBeUndefined();
    await expect(parse({ grant_type: '' })).rejects.toMatchObject({ error: 'invalid_request', description: 'The grant_type parameter is missing' });
  });

  it('refuses a request without grant_type as invalid_request (RFC 6749 §5.2)', async () => {
    await expect(parse({ username: 'alice' })).rejects.toMatchObject({
      error: 'invalid_request',
      status: 400,
      description: 'The grant_type parameter is missing',
    });
  });

  it('refuses a repeated parameter as invalid_request (RFC 6749 §3.2)', async () => {
    await expect(parse({ grant_type: 'password', username: ['alice', 'bob'] })).rejects.toMatchObject({
      error: 'invalid_request',
      description: 'The username parameter was sent more than once',
    });
    await expect(parse({ grant_type: ['password', 'refresh_token'] })).rejects.toMatchObject({
      description: 'The grant_type parameter was sent more than once',
    });
  });

  it('refuses a parameter that is not a string as malformed', async () => {
    await expect(parse({ grant_type: 'password', scope: { read: '1' } })).rejects.toMatchObject({
      error: 'invalid_request',
      description: 'The scope parameter is malformed',
    });
  });
});
