import { Transform } from 'class-transformer';
import { IsDefined, IsOptional, IsString } from 'class-validator';

/** RFC 6749 §3.2: a parameter sent without a value is treated as if it were omitted. */
export const EmptyAsOmitted = () => Transform(({ value }) => (value === '' ? undefined : value));

/**
 * The token endpoint's parameters (RFC 6749 §4.3.2, §6). Each must be a single string: the body parser turns a
 * repeated parameter into an array, which fails `IsString` and becomes `invalid_request` (RFC 6749 §3.2).
 * Parameters not listed here are ignored, as §3.2 requires.
 */
export class TokenRequestDto {
  @EmptyAsOmitted()
  @IsDefined()
  @IsString()
  grant_type: string;

  @EmptyAsOmitted()
  @IsOptional()
  @IsString()
  scope?: string;

  @EmptyAsOmitted()
  @IsOptional()
  @IsString()
  username?: string;

  @EmptyAsOmitted()
  @IsOptional()
  @IsString()
  password?: string;

  @EmptyAsOmitted()
  @IsOptional()
  @IsString()
  refresh_token?: string;

  // Read by the client_secret_post strategy; declared so that a repeated value is refused here too.
  @EmptyAsOmitted()
  @IsOptional()
  @IsString()
  client_id?: string;

  @EmptyAsOmitted()
  @IsOptional()
  @IsString()
  client_secret?: string;
}

/** The body of the revocation (RFC 7009 §2.1) and introspection (RFC 7662 §2.1) requests. */
export class TokenHintRequestDto {
  @EmptyAsOmitted()
  @IsDefined()
  @IsString()
  token: string;

  @EmptyAsOmitted()
  @IsOptional()
  @IsString()
  token_type_hint?: string;

  @EmptyAsOmitted()
  @IsOptional()
  @IsString()
  client_id?: string;

  @EmptyAsOmitted()
  @IsOptional()
  @IsString()
  client_secret?: string;
}
