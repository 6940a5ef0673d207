import { Transform } from 'class-transformer';
import { IsDefined, IsOptional, IsString, Matches } from 'class-validator';

/** RFC 6749 §3.2: a parameter sent without a value is treated as if it were omitted. */
export const EmptyAsOmitted = () => Transform(({ value }) => (value === '' ? undefined : value));

/**
 * No parameter may hold a NUL character: no OAuth value contains one, and PostgreSQL refuses NUL in text, which
 * would turn a client's garbage into a server error.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this refuses
const NoNul = () => Matches(/^[^\u0000]*$/);

/**
 * `client_secret_post` credentials (RFC 6749 §2.3.1), which any client-authenticated endpoint may receive. The
 * passport strategy reads them; they are declared so that a repeated value is refused here too.
 */
class ClientCredentialsParams {
  @EmptyAsOmitted()
  @IsOptional()
  @IsString()
  @NoNul()
  client_id?: string;

  @EmptyAsOmitted()
  @IsOptional()
  @IsString()
  @NoNul()
  client_secret?: string;
}

/**
 * The token endpoint's parameters (RFC 6749 §4.3.2, §6). Each must be a single string: the body parser turns a
 * repeated parameter into an array, which fails `IsString` and becomes `invalid_request` (RFC 6749 §3.2).
 * Parameters not listed here are ignored, as §3.2 requires.
 */
export class TokenRequestDto extends ClientCredentialsParams {
  @EmptyAsOmitted()
  @IsDefined()
  @IsString()
  @NoNul()
  grant_type: string;

  @EmptyAsOmitted()
  @IsOptional()
  @IsString()
  @NoNul()
  scope?: string;

  @EmptyAsOmitted()
  @IsOptional()
  @IsString()
  @NoNul()
  username?: string;

  @EmptyAsOmitted()
  @IsOptional()
  @IsString()
  @NoNul()
  password?: string;

  @EmptyAsOmitted()
  @IsOptional()
  @IsString()
  @NoNul()
  refresh_token?: string;

  /** RFC 6749 §4.1.3. */
  @EmptyAsOmitted()
  @IsOptional()
  @IsString()
  @NoNul()
  code?: string;

  @EmptyAsOmitted()
  @IsOptional()
  @IsString()
  @NoNul()
  redirect_uri?: string;

  /** RFC 7636 §4.5. */
  @EmptyAsOmitted()
  @IsOptional()
  @IsString()
  @NoNul()
  code_verifier?: string;
}

/** The body of the revocation (RFC 7009 §2.1) and introspection (RFC 7662 §2.1) requests. */
export class TokenHintRequestDto extends ClientCredentialsParams {
  @EmptyAsOmitted()
  @IsDefined()
  @IsString()
  @NoNul()
  token: string;

  @EmptyAsOmitted()
  @IsOptional()
  @IsString()
  @NoNul()
  token_type_hint?: string;
}
