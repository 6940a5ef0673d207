import type { OAuthUserClaims } from '../repositories/user-lookup';

/** OIDC Core §5.4: the claims each scope releases. */
const CLAIMS_BY_SCOPE: Record<string, readonly (keyof OAuthUserClaims)[]> = {
  profile: [
    'name',
    'family_name',
    'given_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
};

/** Every claim the module may release, for `claims_supported`. */
export const SUPPORTED_CLAIMS = ['sub', ...Object.values(CLAIMS_BY_SCOPE).flat()];

/** The claims among `claims` that the granted `scopes` release; nothing the host added beyond the standard ones. */
export function scopedClaims(scopes: readonly string[], claims: OAuthUserClaims | null | undefined): Partial<OAuthUserClaims> {
  const released: Record<string, unknown> = {};
  for (const scope of scopes) {
    for (const claim of CLAIMS_BY_SCOPE[scope] ?? []) {
      if (claims?.[claim] !== undefined) released[claim] = claims[claim];
    }
  }
  return released as Partial<OAuthUserClaims>;
}
