import type { INestApplication } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { OAuthGrantRegistry, oauthOpenApi } from '@nest-oauth/server';

/** Where Swagger UI is served; the document itself is at `/docs-json` (and `/docs-yaml`). */
export const DOCS_PATH = 'docs';

/** The scopes this API's routes ask for, for the password flow's checkboxes (none ticked: the client's defaults). */
const SCOPES: Record<string, string> = { read: 'Read the signed-in user (GET /me)', write: 'Change data' };

/**
 * The API's OpenAPI document: the app's own routes as @nestjs/swagger scans them, with the OAuth module's
 * endpoints and security schemes taken from the module's own description (the module does not depend on
 * @nestjs/swagger, so what the scanner infers for its routes is replaced, not kept).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Break Out API')
    .setDescription(
      'Press **Authorize**, fill in a user’s username and password and a client’s `client_id` and ' +
        '`client_secret` under `oauth2`, tick the scopes, and the calls below carry its access token. ' +
        'Outside production the demo client and user are seeded (see the README).',
    )
    .setVersion('1')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // The grant types as the module enabled them, so the document follows the configuration.
  const oauth = oauthOpenApi({ scopes: SCOPES, grantTypes: app.get(OAuthGrantRegistry).enabledGrantTypes });
  document.paths = { ...document.paths, ...(oauth.paths as OpenAPIObject['paths']) };
  document.components = {
    ...document.components,
    securitySchemes: { ...document.components?.securitySchemes, ...(oauth.components.securitySchemes as object) },
    schemas: { ...document.components?.schemas, ...(oauth.components.schemas as object) },
  };
  document.tags = [...oauth.tags, ...(document.tags ?? []).filter((tag) => !oauth.tags.some((own) => own.name === tag.name))];
  return withoutUnusedSchemas(document);
}

/**
 * What the docs pages may load and do: Swagger UI's own files and calls to this origin, nothing else, and no page
 * may frame them (a framed Authorize dialog could be clickjacked into sending a password). Inline styles stay
 * allowed: Swagger UI's HTML template and components set them.
 */
export const DOCS_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** Serves Swagger UI at `/docs`; the document is built on its first request, not at every start. */
export function setupOpenApi(app: INestApplication): void {
  // Middleware, so the headers reach every file Swagger UI serves, on either platform.
  const withSecurityHeaders = (_request: unknown, response: ServerResponse, next: () => void) => {
    for (const [name, value] of Object.entries(DOCS_SECURITY_HEADERS)) response.setHeader(name, value);
    next();
  };
  for (const path of [DOCS_PATH, `${DOCS_PATH}-json`, `${DOCS_PATH}-yaml`]) app.use(`/${path}`, withSecurityHeaders);
  let document: OpenAPIObject | undefined;
  SwaggerModule.setup(DOCS_PATH, app, () => (document ??= buildOpenApiDocument(app)), {
    customSiteTitle: 'Break Out API',
    swaggerOptions: {
      // Swagger UI sends the password flow's client credentials as HTTP Basic unless told otherwise, which the
      // token endpoint accepts (client_secret_basic); so does "Request body" (client_secret_post).
      persistAuthorization: false,
      displayRequestDuration: true,
    },
  });
}

/** Drops schemas no path, response or other schema refers to: those the scanner made for replaced routes. */
function withoutUnusedSchemas(document: OpenAPIObject): OpenAPIObject {
  const schemas = document.components?.schemas;
  if (!schemas) return document;
  const refsIn = (value: unknown) => [...JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]);
  const used = new Set<string>();
  const pending = refsIn({ ...document, components: { ...document.components, schemas: undefined } });
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (used.has(name)) continue;
    used.add(name);
    pending.push(...refsIn(schemas[name] ?? null));
  }
  document.components!.schemas = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return document;
}
