import {
  type CanActivate,
  Controller,
  Get,
  Injectable,
  Logger,
  NotFoundException,
  type OnModuleInit,
  Optional,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { TokenRateLimitGuard } from '../auth/token-rate-limit.guard';
import { Public } from '../auth/public.decorator';
import { OAuthError } from '../errors/oauth.error';
import type { ResolvedOAuthOptions } from '../oauth-module-options.interface';
import { InjectOAuthOptions } from '../oauth-options';
import { RoutePaths } from '../metadata/route-paths';
import { OAuthPages } from '../pages/oauth-pages';
import { clientSettings, ClientRepository, isPublicClient } from '../repositories/client.repository';
import { ConsentRepository } from '../repositories/consent.repository';
import { GrantRepository } from '../repositories/grant.repository';
import { UserLookup } from '../repositories/user-lookup';
import { LoginThrottle } from '../throttle/login-throttle';
import { AuthorizationCodeIssuer } from './authorization-code.issuer';
import { AuthorizationRequestError, checkAuthorizationRequest, redirectBack, type AuthorizationRequest } from './authorization-request';
import { BrowserResponses, csrfToken, CSRF_FIELD, hasValidCsrfToken, issuerOf, type BrowserRequest, type CookieToSet } from './browser-responses';
import { BrowserSessions, type ActiveSession } from './browser-sessions';

/** Bounds the text a stranger makes the server hold and hash; no real username or password comes near it. */
const MAX_CREDENTIAL = 1024;

/**
 * The authorization endpoint (RFC 6749 §3.1, §4.1.1) with its login and consent forms. Browsers talk to it, not
 * clients: every answer is an HTML page or a redirect, never a JSON error. The request's parameters travel through
 * the forms as hidden fields and are checked again on every step, so a form changed on the way gets no further than
 * a new request would. A signed-in browser (see `BrowserSessions`) skips the login, and a consent once given
 * (`ConsentRepository`) the consent page, unless `prompt` or `max_age` say otherwise (OIDC Core §3.1.2.1).
 */
/** Serves the authorization endpoint only where the authorization code grant is enabled: elsewhere, 404. */
@Injectable()
class AuthorizationCodeEnabledGuard implements CanActivate {
  constructor(@InjectOAuthOptions() private readonly options: ResolvedOAuthOptions) {}

  canActivate(): boolean {
    // No login form (another place to try passwords) and no sessions on a server that issues no codes.
    if (!this.options.grantTypes.includes('authorization_code')) throw new NotFoundException();
    return true;
  }
}

@Controller('oauth')
// A host's global BearerGuard must not ask for an access token here.
@Public()
@UseGuards(AuthorizationCodeEnabledGuard)
export class AuthorizeController implements OnModuleInit {
  private readonly logger = new Logger('OAuthAuthorize');
  private loginPath = '/oauth/authorize/login';
  private consentPath = '/oauth/authorize/consent';

  constructor(
    private readonly clients: ClientRepository,
    private readonly grants: GrantRepository,
    private readonly pages: OAuthPages,
    private readonly browser: BrowserResponses,
    private readonly codes: AuthorizationCodeIssuer,
    private readonly throttle: LoginThrottle,
    private readonly routes: RoutePaths,
    private readonly sessions: BrowserSessions,
    private readonly consents: ConsentRepository,
    @InjectOAuthOptions() private readonly options: ResolvedOAuthOptions,
    // Optional so that a server without the authorization code grant needs no user lookup.
    @Optional() private readonly userLookup?: UserLookup,
  ) {}

  onModuleInit(): void {
    // Under a global prefix or a RouterModule path the form must post where Nest really serves it.
    this.loginPath = this.routes.of(AuthorizeController, 'login');
    this.consentPath = this.routes.of(AuthorizeController, 'consent');
  }

  @Get('authorize')
  async authorize(@Req() request: BrowserRequest, @Res() response: unknown): Promise<void> {
    await this.answer(request, response, false, async () => {
      const authorization = await this.check(request.query);
      const session = await this.sessions.current(request);
      const now = Date.now();
      const tooOld = session !== null && authorization.maxAge !== null && now - session.authTime.getTime() > authorization.maxAge * 1000;
      if (!session || tooOld || authorization.prompt.includes('login')) {
        // OIDC Core §3.1.2.1: with prompt=none the user must not be shown anything.
        if (authorization.prompt.includes('none')) throw redirected(authorization, 'login_required', 'The user must sign in');
        return this.loginPage(request, response, authorization, 200, '', null);
      }
      await this.proceed(request, response, authorization, session, false, []);
    });
  }

  // The per-address limit of the token endpoint too (one count for both): the form checks passwords as the
  // password grant does, and must not be a way around that limit. A person signing in a few times a minute is
  // far below it.
  @Post('authorize/login')
  @UseGuards(TokenRateLimitGuard)
  async login(@Req() request: BrowserRequest, @Res() response: unknown): Promise<void> {
    await this.answer(request, response, true, async () => {
      if (!hasValidCsrfToken(request, this.options)) return this.csrfFailure(response);
      const authorization = await this.check(request.body);
      const body = request.body as Record<string, unknown>;
      const username = typeof body.username === 'string' ? body.username : '';
      const password = typeof body.password === 'string' ? body.password : '';
      if (username.length === 0 || password.length === 0 || username.length > MAX_CREDENTIAL || password.length > MAX_CREDENTIAL) {
        return this.loginPage(request, response, authorization, 400, username.slice(0, MAX_CREDENTIAL), 'Enter your username and password.');
      }
      // Read before the password is checked, as the password grant does: a revocation of the user after this
      // point makes the grant's creation refuse the code.
      const userRevocationMark = await this.grants.userRevocationMark();
      let subject;
      try {
        // The password grant's lockout and hash limiter (its per-address limit is the guard above).
        subject = await this.throttle.attempt(authorization.client.id, username, password, () => this.lookup().verifyCredentials(username, password));
      } catch (error) {
        if (error instanceof OAuthError && error.status === 429) {
          return this.loginPage(request, response, authorization, 429, username, 'Too many failed sign-ins for this account. Try again later.');
        }
        if (error instanceof OAuthError && error.status === 503) {
          return this.loginPage(request, response, authorization, 503, username, 'The server is busy. Try again in a moment.');
        }
        throw error;
      }
      if (!subject) return this.loginPage(request, response, authorization, 401, username, 'Invalid username or password.');
      const { session, cookie } = await this.sessions.start(request, subject, userRevocationMark);
      await this.proceed(request, response, authorization, session, true, [cookie]);
    });
  }

  @Post('authorize/consent')
  async consent(@Req() request: BrowserRequest, @Res() response: unknown): Promise<void> {
    await this.answer(request, response, true, async () => {
      if (!hasValidCsrfToken(request, this.options)) return this.csrfFailure(response);
      const authorization = await this.check(request.body);
      const session = await this.sessions.current(request);
      // The session ended while the page was open: sign in again, then consent.
      if (!session) return this.loginPage(request, response, authorization, 200, '', null);
      const decision = (request.body as Record<string, unknown>).decision;
      // RFC 6749 §4.1.2.1: the resource owner denied the request.
      if (decision !== 'allow') throw redirected(authorization, 'access_denied', 'The user denied the request');
      const earlier = await this.consents.find(session.user.id, authorization.client.id);
      const scope = [...new Set([...(earlier?.scope ?? []), ...authorization.scope])];
      await this.consents.save({ userId: session.user.id, clientId: authorization.client.id, scope, updatedAt: new Date() });
      await this.issue(request, response, authorization, session, true, []);
    });
  }

  /** After the sign-in: the consent page, unless the user already allowed this client these scopes; then the code. */
  private async proceed(
    request: BrowserRequest,
    response: unknown,
    authorization: AuthorizationRequest,
    session: ActiveSession,
    afterPost: boolean,
    cookies: CookieToSet[],
  ): Promise<void> {
    if (await this.needsConsent(authorization, session)) {
      if (authorization.prompt.includes('none')) throw redirected(authorization, 'consent_required', 'The user must consent');
      const csrf = csrfToken(request, this.options);
      const body = this.pages.consent({
        action: this.consentPath,
        hiddenFields: { ...authorization.parameters, [CSRF_FIELD]: csrf.token },
        client: { id: authorization.client.id, name: authorization.client.name },
        username: session.user.username,
        scopes: authorization.scope,
      });
      return this.browser.html(response, 200, body, [...cookies, ...(csrf.cookie ? [csrf.cookie] : [])]);
    }
    await this.issue(request, response, authorization, session, afterPost, cookies);
  }

  private async needsConsent(authorization: AuthorizationRequest, session: ActiveSession): Promise<boolean> {
    if (authorization.prompt.includes('consent')) return true;
    // A public client redirecting to a loopback port or an app's own URI scheme cannot be told from another app
    // that claims the same: the user confirms every time (RFC 8252 §8.6, RFC 6749 §10.2).
    if (isPublicClient(authorization.client) && !authorization.redirectUri.startsWith('https://')) return true;
    // The operator's own client: its users have nothing to decide.
    if (clientSettings(authorization.client).firstParty) return false;
    const consent = await this.consents.find(session.user.id, authorization.client.id);
    return !consent || !authorization.scope.every((scope) => consent.scope.includes(scope));
  }

  private async issue(
    request: BrowserRequest,
    response: unknown,
    authorization: AuthorizationRequest,
    session: ActiveSession,
    afterPost: boolean,
    cookies: CookieToSet[],
  ): Promise<void> {
    const code = await this.codes.issue(authorization, {
      id: session.user.id,
      authTime: session.authTime,
      userRevocationMark: session.userRevocationMark,
    });
    this.browser.redirect(response, this.success(request, authorization, code), afterPost, cookies);
  }

  /** The request checked, or an `AuthorizationRequestError` that says where its error goes. */
  private check(parameters: unknown): Promise<AuthorizationRequest> {
    return checkAuthorizationRequest(parameters, (id) => this.clients.findById(id));
  }

  private lookup(): UserLookup {
    if (!this.userLookup) throw new Error('OAuthModule: the authorization endpoint needs a userLookup');
    return this.userLookup;
  }

  private success(request: BrowserRequest, authorization: AuthorizationRequest, code: string): string {
    return redirectBack(authorization.redirectUri, { code, state: authorization.state, iss: issuerOf(this.options, request) });
  }

  private loginPage(
    request: BrowserRequest,
    response: unknown,
    authorization: AuthorizationRequest,
    status: number,
    username: string,
    error: string | null,
  ): void {
    const csrf = csrfToken(request, this.options);
    const body = this.pages.login({
      action: this.loginPath,
      hiddenFields: { ...authorization.parameters, [CSRF_FIELD]: csrf.token },
      client: { id: authorization.client.id, name: authorization.client.name },
      username,
      error,
    });
    this.browser.html(response, status, body, csrf.cookie ? [csrf.cookie] : []);
  }

  private csrfFailure(response: unknown): void {
    const body = this.pages.error({
      error: 'invalid_request',
      description: 'This form expired or was sent from another site. Go back to the application and start again.',
    });
    this.browser.html(response, 403, body);
  }

  /**
   * Runs a step and turns its failure into what RFC 6749 §4.1.2.1 asks: a redirect back to the client with
   * `error`, `state` and `iss` (RFC 9207) when the redirect URI is known to be the client's, a page otherwise.
   */
  private async answer(request: BrowserRequest, response: unknown, afterPost: boolean, step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      if (error instanceof AuthorizationRequestError) {
        if (error.redirectUri === null) {
          this.browser.html(response, 400, this.pages.error({ error: error.error, description: error.description }));
          return;
        }
        const location = redirectBack(error.redirectUri, {
          error: error.error,
          error_description: error.description,
          state: error.state,
          iss: issuerOf(this.options, request),
        });
        this.browser.redirect(response, location, afterPost);
        return;
      }
      // No detail for the browser; the log has it.
      this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      this.browser.html(response, 500, this.pages.error({ error: 'server_error', description: 'Something went wrong. Try again later.' }));
    }
  }
}

function redirected(authorization: AuthorizationRequest, error: string, description: string): AuthorizationRequestError {
  return new AuthorizationRequestError(error, description, authorization.redirectUri, authorization.state);
}
