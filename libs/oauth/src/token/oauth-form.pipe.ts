import { ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { OAuthError } from '../errors/oauth.error';

/**
 * Validates the form body of the module's endpoints against their DTO, turning any failure into the RFC 6749
 * §5.2 `invalid_request` it is. Unknown parameters are dropped, as RFC 6749 §3.2 says they must be ignored.
 */
export const oauthFormPipe = new ValidationPipe({
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
