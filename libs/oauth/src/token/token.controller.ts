import { Body, Controller, Header, HttpCode, Post, UseFilters, UseGuards, ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { AuthenticatedClient } from '../auth/authenticated-client.decorator';
import { ClientBasicGuard } from '../auth/client-basic.guard';
import { FormBodyGuard } from '../auth/form-body.guard';
import { OAuthEndpointExceptionFilter } from '../errors/oauth-exception.filter';
import { OAuthError } from '../errors/oauth.error';
import type { OAuthClient } from '../repositories/client.repository';
import { TokenRequestDto } from './token-request.dto';
import type { TokenResponse } from './token-response';
import { TokenService } from './token.service';

/** Turns a failed DTO validation into the RFC 6749 §5.2 `invalid_request` it is. */
export const tokenRequestPipe = new ValidationPipe({
  transform: true,
  whitelist: true,
  validationError: { target: false, value: true },
  exceptionFactory: (errors: ValidationError[]) => {
    const [first] = errors;
    if (first.value === undefined) return OAuthError.invalidRequest(`The ${first.property} parameter is missing`);
    if (Array.isArray(first.value)) return OAuthError.invalidRequest(`The ${first.property} parameter was sent more than once`);
    return OAuthError.invalidRequest(`The ${first.property} parameter is malformed`);
  },
});

@Controller('oauth')
@UseFilters(OAuthEndpointExceptionFilter)
export class TokenController {
  constructor(private readonly tokens: TokenService) {}

  /** RFC 6749 §3.2. Responses must never be cached (§5.1): they carry credentials. */
  @Post('token')
  @HttpCode(200)
  @UseGuards(FormBodyGuard, ClientBasicGuard)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  token(@AuthenticatedClient() client: OAuthClient, @Body(tokenRequestPipe) request: TokenRequestDto): Promise<TokenResponse> {
    return this.tokens.exchange(client, request);
  }
}
