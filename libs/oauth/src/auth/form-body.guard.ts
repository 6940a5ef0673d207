import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { OAuthError } from '../errors/oauth.error';

/** The refusal of a body that is not a form; also how `OAuthExceptionFilter` answers a platform's own 415. */
export const notAFormBody = (): OAuthError => OAuthError.invalidRequest('The request body must be application/x-www-form-urlencoded');

/**
 * RFC 6749 §3.2: the token endpoint takes `application/x-www-form-urlencoded` parameters only. A JSON body
 * would otherwise be parsed by the framework and half-understood; refuse it up front.
 */
@Injectable()
export class FormBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const contentType: unknown = context.switchToHttp().getRequest().headers?.['content-type'];
    const mediaType = typeof contentType === 'string' ? contentType.split(';')[0].trim().toLowerCase() : '';
    if (mediaType !== 'application/x-www-form-urlencoded') {
      throw notAFormBody();
    }
    return true;
  }
}
