import type { Provider, Type } from '@nestjs/common';
import { MisconfigurationError } from '../errors/misconfiguration.error';
import { OAUTH_REGISTERED_GRANT_TYPES, OAUTH_RESOLVED_OPTIONS } from '../oauth.constants';
import type { ResolvedOAuthOptions } from '../oauth-module-options.interface';
import { AuthorizationCodeGrant } from './authorization-code.grant';
import { ClientCredentialsGrant } from './client-credentials.grant';
import type { GrantHandler } from './grant-handler.interface';
import { PasswordGrant } from './password.grant';
import { RefreshTokenGrant } from './refresh-token.grant';

/**
 * A grant handler class as the registry takes it: Nest creates it (so its constructor may inject `TokenIssuer`,
 * the repositories, or anything the module's `imports` provide), and its `grant_type` is a static property, known
 * before Nest does so. The instance's `grantType` must be the same value.
 */
export interface GrantHandlerType extends Type<GrantHandler> {
  readonly grantType: string;
}

/**
 * The grants this module implements: the one list the grant type union, the default `grantTypes`, the token
 * endpoint, the metadata, the OpenAPI description and client administration all derive from. Adding a grant is
 * its file and one entry here; a host adds its own with the `grantHandlers` extra instead.
 */
export const BUILT_IN_GRANT_HANDLERS = [PasswordGrant, RefreshTokenGrant, ClientCredentialsGrant, AuthorizationCodeGrant] as const;

/** The `grant_type` values this module implements. */
export type OAuthGrantType = (typeof BUILT_IN_GRANT_HANDLERS)[number]['grantType'];

/** The built-in grant types, in registry order. */
export const OAUTH_GRANT_TYPES: readonly OAuthGrantType[] = BUILT_IN_GRANT_HANDLERS.map((handler) => handler.grantType);

/**
 * RFC 6749 §4.5 and Appendix A.10: an extension grant type is an absolute URI (a scheme, a colon, and no
 * fragment), or a registered name: 1*( "-" / "." / "_" / DIGIT / ALPHA ). Neither contains a space, so the grant
 * lists of clients can be stored space-separated.
 */
const GRANT_NAME = /^[A-Za-z0-9._-]+$/;
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9\-._~:/?[\]@!$&'()*+,;=%]+$/;

/** Whether `value` may be a `grant_type` (RFC 6749 Appendix A.10). */
export function isGrantTypeSyntax(value: string): boolean {
  return GRANT_NAME.test(value) || ABSOLUTE_URI.test(value);
}

/**
 * Checks the host's grant handler classes and returns every registered class, built-in ones first. Runs when the
 * module is defined, so a mistake stops the app before anything else starts.
 */
export function registerGrantHandlers(hostHandlers: readonly GrantHandlerType[] = []): GrantHandlerType[] {
  const handlers: GrantHandlerType[] = [...BUILT_IN_GRANT_HANDLERS, ...hostHandlers];
  const seen = new Set<string>();
  for (const handler of handlers) {
    const grantType: unknown = handler?.grantType;
    if (typeof grantType !== 'string' || !isGrantTypeSyntax(grantType)) {
      throw new MisconfigurationError(
        `OAuthModule: grant handler ${handler?.name ?? String(handler)} needs a static grantType that is an absolute URI ` +
          `(such as urn:example:params:oauth:grant-type:demo) or a grant name of letters, digits, "-", "." and "_" ` +
          `(RFC 6749 section 4.5), got ${JSON.stringify(grantType)}`,
      );
    }
    if (seen.has(grantType)) throw new MisconfigurationError(`OAuthModule: grant type ${grantType} is registered twice`);
    seen.add(grantType);
  }
  return handlers;
}

/**
 * The registered grants, created by Nest, and which of them the token endpoint accepts (`grantTypes`). The token
 * endpoint looks handlers up here; client administration takes any registered type as a client's grant.
 */
export class OAuthGrantRegistry {
  constructor(
    /** Every registered `grant_type`, built-in ones first, enabled or not. */
    readonly registeredGrantTypes: readonly string[],
    private readonly enabled: ReadonlyMap<string, GrantHandler>,
  ) {}

  /** The `grant_type` values the token endpoint accepts, in registry order (RFC 8414 `grant_types_supported`). */
  get enabledGrantTypes(): string[] {
    return [...this.enabled.keys()];
  }

  /** The handler of an enabled grant type; `undefined` for any other value. */
  handler(grantType: string): GrantHandler | undefined {
    return this.enabled.get(grantType);
  }

  isRegistered(grantType: string): boolean {
    return this.registeredGrantTypes.includes(grantType);
  }
}

/** The providers behind the registry: the handler classes, their names, and the registry built from them. */
export function grantRegistryProviders(handlers: readonly GrantHandlerType[]): Provider[] {
  return [
    ...handlers,
    { provide: OAUTH_REGISTERED_GRANT_TYPES, useValue: handlers.map((handler) => handler.grantType) },
    {
      provide: OAuthGrantRegistry,
      inject: [OAUTH_RESOLVED_OPTIONS, ...handlers],
      useFactory: (options: ResolvedOAuthOptions, ...instances: GrantHandler[]) => {
        const enabled = new Map<string, GrantHandler>();
        instances.forEach((instance, index) => {
          const grantType = handlers[index].grantType;
          if (instance.grantType !== grantType) {
            throw new MisconfigurationError(
              `OAuthModule: grant handler ${handlers[index].name} answers grant_type ${String(instance.grantType)} but is registered as ${grantType}; make its grantType the same as the static one`,
            );
          }
          if (options.grantTypes.includes(grantType)) enabled.set(grantType, instance);
        });
        for (const grantType of [PasswordGrant.grantType, AuthorizationCodeGrant.grantType]) {
          const handler = enabled.get(grantType) as PasswordGrant | AuthorizationCodeGrant | undefined;
          if (handler && !handler.userLookup) {
            throw new MisconfigurationError(
              `OAuthModule: the ${grantType} grant is enabled but no user lookup is configured. ` +
                'Pass `userLookup: YourUserLookup` (a class implementing UserLookup) and the modules it needs in `imports`, ' +
                `or leave '${grantType}' out of \`grantTypes\`.`,
            );
          }
        }
        return new OAuthGrantRegistry(
          handlers.map((handler) => handler.grantType),
          enabled,
        );
      },
    },
  ];
}
