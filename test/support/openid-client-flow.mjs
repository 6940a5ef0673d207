// A relying party built on openid-client (panva), run as its own process: openid-client is an ES module, which the
// e2e suite's CommonJS jest cannot load. It discovers the server, sends the user (a scripted form post standing in
// for the browser) through the authorization code flow with its own PKCE, state and nonce, lets openid-client check
// the response (iss, RFC 9207) and the ID token, fetches userinfo, and prints what it got as JSON.
import * as client from 'openid-client';

const [issuer, clientId, clientSecret, redirectUri, username, password] = process.argv.slice(2);

// The test server speaks plain http on loopback.
const config = await client.discovery(new URL(issuer), clientId, clientSecret, undefined, { execute: [client.allowInsecureRequests] });
const verifier = client.randomPKCECodeVerifier();
const state = client.randomState();
const nonce = client.randomNonce();
const authorizationUrl = client.buildAuthorizationUrl(config, {
  redirect_uri: redirectUri,
  scope: 'openid profile email',
  code_challenge: await client.calculatePKCECodeChallenge(verifier),
  code_challenge_method: 'S256',
  state,
  nonce,
});

const unescape = (value) => value.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)));
const page = await fetch(authorizationUrl, { redirect: 'manual' });
const cookie = page.headers
  .getSetCookie()
  .map((entry) => entry.split(';')[0])
  .join('; ');
const html = await page.text();
const action = unescape(/<form method="post" action="([^"]*)">/.exec(html)[1]);
const fields = Object.fromEntries(
  [...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((m) => [unescape(m[1]), unescape(m[2])]),
);
const signedIn = await fetch(new URL(action, authorizationUrl), {
  method: 'POST',
  redirect: 'manual',
  headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ ...fields, username, password }),
});

const tokens = await client.authorizationCodeGrant(config, new URL(signedIn.headers.get('location')), {
  pkceCodeVerifier: verifier,
  expectedState: state,
  expectedNonce: nonce,
  idTokenExpected: true,
});
const claims = tokens.claims();
const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
process.stdout.write(JSON.stringify({ issuer: config.serverMetadata().issuer, claims, userinfo }));
