import { Injectable } from '@nestjs/common';
import { digestToken, generateOpaqueToken } from '../crypto/opaque-token';
import { AuthorizationCodeRepository } from '../repositories/authorization-code.repository';
import type { AuthorizationRequest } from './authorization-request';

/** RFC 6749 §4.1.2 asks for a short lifetime (10 minutes at most); a browser redirect and a token request take seconds. */
export const AUTHORIZATION_CODE_TTL_SECONDS = 60;

/** Mints authorization codes: 256 random bits, stored only as a digest, bound to everything the exchange must match. */
@Injectable()
export class AuthorizationCodeIssuer {
  constructor(private readonly codes: AuthorizationCodeRepository) {}

  async issue(request: AuthorizationRequest, user: { id: string; authTime: Date; userRevocationMark: number }): Promise<string> {
    const code = generateOpaqueToken();
    const now = new Date();
    await this.codes.save({
      digest: digestToken(code),
      clientId: request.client.id,
      userId: user.id,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      scope: request.scope,
      nonce: request.nonce,
      authTime: user.authTime,
      userRevocationMark: user.userRevocationMark,
      expiresAt: new Date(now.getTime() + AUTHORIZATION_CODE_TTL_SECONDS * 1000),
      createdAt: now,
      usedAt: null,
      grantId: null,
    });
    return code;
  }
}
