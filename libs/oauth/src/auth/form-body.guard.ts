import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { parse as parseContentType, type ParsedMediaType } from 'content-type';
import { OAuthError } from '../errors/oauth.error';

/** The refusal of a body that is not a form; also how `OAuthExceptionFilter` answers a platform's own 415. */
export const notAFormBody = (): OAuthError => OAuthError.invalidRequest('The request body must be application/x-www-form-urlencoded');

/**
 * RFC 6749 §3.2: the token endpoint takes `application/x-www-form-urlencoded` parameters only. A JSON body
 * would otherwise be parsed by the framework and half-understood; refuse it up front. Appendix B: those
 * parameters are UTF-8, so a body that declares another charset is refused with 415, whatever the platform's
 * parser would have made of it.
 */
@Injectable()
export class FormBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const header: unknown = context.switchToHttp().getRequest().headers?.['content-type'];
    const mediaType = parsed(header);
    if (mediaType?.type !== 'application/x-www-form-urlencoded') throw notAFormBody();
    const charset = mediaType.parameters.charset?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8') {
      throw OAuthError.invalidRequest('The request body must be UTF-8 (RFC 6749 Appendix B)', 415);
    }
    return true;
  }
}

/** A malformed Content-Type (RFC 9110 §8.3.1) is no form either. */
function parsed(header: unknown): ParsedMediaType | undefined {
  if (typeof header !== 'string') return undefined;
  try {
    return parseContentType(header);
  } catch {
    return undefined;
  }
}
