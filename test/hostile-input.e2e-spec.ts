import fc from 'fast-check';
import { Agent, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { basicAuth, DEMO, startTestApp, type TestApp } from './support/test-app';

/**
 * Property-based hostile input for the module's three client-facing endpoints: whatever a client sends, the
 * answer is a 4xx with an RFC 6749 §5.2 / RFC 6750 §3.1 error body, never a 5xx, never a stack trace, never a
 * description outside the characters §5.2 allows. Sent in parallel bursts, the same holds, except that the hash
 * limiter may answer 503 `temporarily_unavailable` with `Retry-After`, the one overload answer the server gives.
 *
 * Requests go over a real socket with `node:http`, not supertest, so that the bytes on the wire are exactly the
 * generated ones: no serializer touches the body, and a missing Content-Type stays missing.
 */

jest.setTimeout(120_000);

const ENDPOINTS = ['/oauth/token', '/oauth/revoke', '/oauth/introspect'] as const;
type Endpoint = (typeof ENDPOINTS)[number];

/** RFC 6749 §5.2 and RFC 6750 §3.1. `server_error` is deliberately absent: it is never the client's fault. */
const CLIENT_ERROR_CODES = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_token',
  'insufficient_scope',
];
/** RFC 6749 §5.2: error_description = *( %x20-21 / %x23-5B / %x5D-7E ). */
const DESCRIPTION_CHARS = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
/** `BODY_LIMIT` of apps/api/src/create-app.ts; body-parser's "16kb" is 16 × 1024 bytes. */
const BODY_LIMIT_BYTES = 16 * 1024;
/** What Node's http module accepts in a header value (no CR, LF, NUL or other controls; latin1 only). */
const HEADER_SAFE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Node's HTTP server refuses more than 16 KiB of headers with its own 431 before any app code runs; stay well below. */
const MAX_HEADER_VALUE = 8 * 1024;

/** The parameters the endpoints read; the "real credentials" properties keep them out of their random junk. */
const KNOWN_KEYS = ['grant_type', 'username', 'password', 'refresh_token', 'scope', 'client_id', 'client_secret', 'token', 'token_type_hint'];

interface HostileRequest {
  endpoint: Endpoint;
  /** undefined: no Content-Type header at all. */
  contentType?: string;
  /** undefined: no Authorization header at all. */
  authorization?: string;
  contentEncoding?: string;
  /** A string is sent as UTF-8 (a lone surrogate becomes U+FFFD); bytes are sent as they are. */
  body: string | Uint8Array;
  /** Transfer-Encoding: chunked instead of Content-Length. */
  chunked: boolean;
  /** Set by the generators when the Content-Type is one body-parser reads as a form in a charset it supports. */
  parsedAsForm: boolean;
}

/** A GET to a BearerGuard route, described like the POSTs in failure reports. */
interface BearerRequest {
  path: '/me';
  authorization?: string;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------------------------

const SQL_AND_FRIENDS = [
  "' OR 1=1 --",
  "' OR '1'='1",
  '" OR ""="',
  "'; DROP TABLE oauth_clients; --",
  "admin@break-out.org' --",
  "1' UNION SELECT secretHash, id FROM oauth_clients --",
  '%',
  '_',
  '\\',
  '\\x00',
  '*',
  'NULL',
  'null',
  'undefined',
  '[object Object]',
  '{"$gt":""}',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '\u0000',
  '\r\n',
  '\uFEFF',
  '\u202E',
];

/** Plausible values: they exercise the paths behind the parser (real grant types, the demo client's id). */
const MEANINGFUL = [
  '',
  'password',
  'refresh_token',
  'client_credentials',
  'authorization_code',
  'access_token',
  'read',
  'write',
  'read write',
  'admin',
  DEMO.clientId,
  DEMO.username,
  'ADMIN@BREAK-OUT.ORG',
  ' admin@break-out.org ',
];

const loneSurrogates = fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 4 });

/** Random text of every kind the brief asks for: ASCII, astral unicode, lone surrogates, NUL, SQL, huge. */
const anyText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string(), weight: 4 },
  { arbitrary: fc.string({ unit: 'grapheme' }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary' }), weight: 2 },
  { arbitrary: loneSurrogates, weight: 1 },
  { arbitrary: fc.constantFrom(...SQL_AND_FRIENDS), weight: 2 },
  { arbitrary: fc.string().map((s) => `${s}\u0000${s}`), weight: 1 },
  {
    arbitrary: fc
      .tuple(fc.integer({ min: 1024, max: 15 * 1024 }), fc.constantFrom('a', '%', 'é', '=', '&', '+', '\u0000', '😀'))
      .map(([n, c]) => c.repeat(Math.floor(n / Buffer.byteLength(c)))),
    weight: 1,
  },
);

const anyValue: fc.Arbitrary<string> = fc.oneof({ arbitrary: anyText, weight: 3 }, { arbitrary: fc.constantFrom(...MEANINGFUL), weight: 2 });

const oddKey: fc.Arbitrary<string> = fc.constantFrom(
  'a[b]',
  'grant_type[]',
  'grant_type[x]',
  'token[]',
  'client_id[0]',
  'client_secret[]',
  '__proto__',
  '__proto__[admin]',
  'constructor',
  'constructor[prototype][admin]',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  'isPrototypeOf',
  'length',
  '',
  '=',
  '&',
  '[',
  ']]',
  'a[b][c][d][e][f][g]',
);

const anyKey: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...KNOWN_KEYS), weight: 3 },
  { arbitrary: oddKey, weight: 2 },
  { arbitrary: anyText, weight: 2 },
);

/** Percent-encodes the UTF-8 bytes of `s` (unlike encodeURIComponent, a lone surrogate does not throw). */
function formEncode(s: string): string {
  return Array.from(Buffer.from(s, 'utf8'))
    .map((byte) =>
      /[A-Za-z0-9*\-._]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('')
    .replace(/%20/g, '+');
}

const BROKEN_ESCAPES = ['%', '%Z', '%ZZ', '%G0', '%%', '%e9', '%C3%28', '%F0%9F', '%ED%A0%80', '%00', '%u0041', '%2', '+', '%FF%FE'];

/** How one key or value goes on the wire: properly encoded, raw (so `&` and `=` inside it change the structure), or with broken escapes. */
const encodedPart = (part: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: part.map(formEncode), weight: 3 },
    { arbitrary: part, weight: 2 },
    {
      arbitrary: fc.tuple(part, fc.constantFrom(...BROKEN_ESCAPES), fc.nat()).map(([s, broken, at]) => {
        const encoded = formEncode(s);
        const i = encoded.length === 0 ? 0 : at % (encoded.length + 1);
        return encoded.slice(0, i) + broken + encoded.slice(i);
      }),
      weight: 2,
    },
  );

const pair = (key: fc.Arbitrary<string>, value: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof(
    { arbitrary: fc.tuple(encodedPart(key), encodedPart(value)).map(([k, v]) => `${k}=${v}`), weight: 6 },
    { arbitrary: encodedPart(key), weight: 1 }, // a key without "="
    { arbitrary: fc.tuple(encodedPart(key), encodedPart(value)).map(([k, v]) => `${k}==${v}`), weight: 1 },
  );

/** A random form body: random pairs, known and odd keys, repeated keys (the same key drawn twice or a duplicate appended). */
const randomForm: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(pair(anyKey, anyValue), { maxLength: 8 }),
    fc.boolean(),
    fc.constantFrom('&', '&', '&', ';', '&&', '&amp;'),
    fc.constantFrom('', '', '', '&', '?', '\uFEFF'),
  )
  .map(([pairs, repeatOne, separator, prefix]) => {
    const all = repeatOne && pairs.length > 0 ? [...pairs, pairs[0]] : pairs;
    return prefix + all.join(separator);
  });

/** Bodies: mostly random forms, sometimes pure noise (random bytes, JSON, multipart-looking text). */
const anyBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { arbitrary: randomForm, weight: 8 },
  { arbitrary: anyText, weight: 1 },
  { arbitrary: fc.uint8Array({ maxLength: 2048 }), weight: 1 },
  { arbitrary: fc.dictionary(fc.constantFrom(...KNOWN_KEYS), anyValue).map((o) => JSON.stringify(o)), weight: 1 },
);

/** Form Content-Types in the one charset RFC 6749 Appendix B allows, UTF-8. */
const FORM_TYPES = [
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'application/x-www-form-urlencoded; charset=UTF-8',
  'Application/X-WWW-Form-Urlencoded',
  'application/x-www-form-urlencoded; charset="utf-8"',
];

const formContentType = fc.constantFrom(...FORM_TYPES);

/** Everything else: odd or unsupported charsets, wrong media types, malformed parameters, random text. */
const oddContentType: fc.Arbitrary<string> = fc.oneof(
  fc
    .constantFrom(
      'iso-8859-1',
      'ISO-8859-1',
      'windows-1252',
      'utf-16',
      'utf-16le',
      'UTF-32',
      'koi8-r',
      'shift_jis',
      'latin1',
      'utf8',
      'us-ascii',
      'x-unknown',
      '',
      '"',
      '""',
      'utf-8; charset=utf-16',
      'utf-8, utf-16',
      'bogus\u00e9',
      'utf-7',
      'binary',
      'base64',
      '../../../',
    )
    .map((charset) => `application/x-www-form-urlencoded; charset=${charset}`),
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'text/plain; charset=utf-8',
    'multipart/form-data; boundary=----x',
    'multipart/form-data',
    'application/xml',
    'application/octet-stream',
    'application/x-www-form-urlencoded-but-not',
    'application/x-www-form-urlencoded;',
    'application/x-www-form-urlencoded;;;',
    'application/x-www-form-urlencoded; =',
    'application/x-www-form-urlencoded; foo',
    'application/x-www-form-urlencoded; boundary="',
    ' application/x-www-form-urlencoded ',
    'application/x-www-form-urlencoded, application/json',
    'x-www-form-urlencoded',
    '*/*',
    '/',
    ';',
    '',
    'application/*',
    'text/html; charset=\u00ff',
  ),
  fc.string({ unit: 'binary-ascii' }).filter((s) => HEADER_SAFE.test(s)),
  fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)) }).filter((s) => HEADER_SAFE.test(s)),
);

/** A form Content-Type most of the time, so the body is parsed and the handlers run; otherwise anything. */
const anyContentType: fc.Arbitrary<{ contentType?: string; parsedAsForm: boolean }> = fc.oneof(
  { arbitrary: formContentType.map((contentType) => ({ contentType, parsedAsForm: true })), weight: 6 },
  { arbitrary: oddContentType.map((contentType) => ({ contentType, parsedAsForm: false })), weight: 3 },
  { arbitrary: fc.constant({ contentType: undefined, parsedAsForm: false }), weight: 1 },
);

const latin1Text = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 64 });
const b64 = (s: string | Uint8Array) => Buffer.from(typeof s === 'string' ? Buffer.from(s, 'utf8') : s).toString('base64');
/** Any secret but the demo client's real one. */
const wrongSecret = anyText.filter((s) => s !== DEMO.clientSecret);

/** Authorization headers no client is registered with: random schemes, random base64, no colon, many colons, unicode. */
const foreignAuthorization: fc.Arbitrary<string> = fc
  .oneof(
    fc.base64String().map((s) => `Basic ${s}`),
    fc.uint8Array({ maxLength: 96 }).map((bytes) => `Basic ${b64(bytes)}`),
    anyText.filter((s) => !s.includes(':')).map((s) => `Basic ${b64(s)}`),
    fc.array(anyText, { minLength: 3, maxLength: 8 }).map((parts) => `Basic ${b64(parts.join(':'))}`),
    fc.tuple(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })).map(([id, secret]) => `Basic ${b64(`${id}:${secret}`)}`),
    wrongSecret.map((secret) => `Basic ${b64(`${DEMO.clientId}:${secret}`)}`),
    // RFC 7617 §2: the user-id ends at the first colon, so the real secret followed by ":anything" is a wrong one.
    anyText.map((junk) => `Basic ${b64(`${DEMO.clientId}:${DEMO.clientSecret}:${junk}`)}`),
    // The real credentials under a scheme that merely contains "Basic".
    fc
      .constantFrom('XBasicY', 'Basicx', 'xBasic', 'NotBasic', 'Basic-', 'Basic,', 'BasicBasic')
      .map((scheme) => `${scheme} ${b64(`${DEMO.clientId}:${DEMO.clientSecret}`)}`),
    // As basicAuth() does it (RFC 6749 §2.3.1), but without throwing on a lone surrogate.
    wrongSecret.map((secret) => `Basic ${b64(`${formEncode(DEMO.clientId)}:${formEncode(secret)}`)}`),
    fc.constantFrom(...BROKEN_ESCAPES).map((broken) => `Basic ${b64(`${DEMO.clientId}${broken}:${broken}`)}`),
    fc.constantFrom(...BROKEN_ESCAPES).map((broken) => `Basic ${b64(`${broken}:x`)}`),
    fc.constantFrom(...SQL_AND_FRIENDS).map((sql) => `Basic ${b64(`${sql}:${sql}`)}`),
    fc.constantFrom(
      'Basic',
      'Basic ',
      'Basic  ',
      'Basic ===',
      'Basic Og==',
      'Basic OjpkZA',
      'Basic !!!!',
      'basic',
      'BASIC x',
      'Basic\tx',
      'Bearer',
      'Bearer ',
    ),
    fc
      .tuple(
        fc.oneof(
          fc.constantFrom('Bearer', 'bearer', 'Digest', 'Negotiate', 'NTLM', 'Basic', 'basic', 'BASIC', 'Hawk', 'DPoP', 'MAC', 'OAuth'),
          latin1Text,
        ),
        fc.oneof(fc.base64String(), latin1Text),
      )
      .map(([scheme, token]) => `${scheme} ${token}`),
    latin1Text,
    fc.string({ unit: 'binary-ascii', maxLength: 200 }),
  )
  // Node's HTTP parser answers 431 by itself above 16 KiB of headers, before the app sees the request.
  .filter(
    (value) =>
      value.length <= MAX_HEADER_VALUE && HEADER_SAFE.test(value) && value !== DEMO.basic && value !== basicAuth(DEMO.clientId, DEMO.clientSecret),
  );

const anyAuthorization: fc.Arbitrary<string | undefined> = fc.oneof(
  { arbitrary: foreignAuthorization, weight: 4 },
  { arbitrary: fc.constant(undefined), weight: 1 },
);

const anyEncoding: fc.Arbitrary<string | undefined> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 12 },
  {
    arbitrary: fc.constantFrom('identity', 'IDENTITY', 'gzip', 'deflate', 'br', 'zstd', 'compress', 'x-gzip', 'gzip, deflate', '', 'bogus'),
    weight: 1,
  },
);

const COMPRESS: Record<string, (bytes: Buffer) => Buffer> = {
  gzip: (bytes) => gzipSync(bytes),
  deflate: (bytes) => deflateSync(bytes),
  br: (bytes) => brotliCompressSync(bytes),
};

const anyRequest: fc.Arbitrary<HostileRequest> = fc
  .record({
    endpoint: fc.constantFrom(...ENDPOINTS),
    type: anyContentType,
    authorization: anyAuthorization,
    contentEncoding: anyEncoding,
    body: anyBody,
    chunked: fc.boolean(),
    compressBody: fc.boolean(),
  })
  .map(({ endpoint, type, authorization, contentEncoding, body, chunked, compressBody }) => ({
    endpoint,
    contentType: type.contentType,
    parsedAsForm: type.parsedAsForm,
    authorization,
    contentEncoding,
    // With Content-Encoding gzip, deflate or br, half the bodies really are compressed, the other half are not.
    body:
      compressBody && contentEncoding !== undefined && contentEncoding in COMPRESS
        ? new Uint8Array(COMPRESS[contentEncoding](Buffer.from(body)))
        : body,
    chunked,
  }));

// ---------------------------------------------------------------------------------------------------------------
// Sending and checking
// ---------------------------------------------------------------------------------------------------------------

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

function bodyBytes(body: string | Uint8Array): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
}

/**
 * For parallel bursts: enough sockets that a whole burst is in flight at once, each used once (sockets left idle
 * between bursts would outlive the server's keep-alive timeout and be reset as they are reused).
 */
const burstAgent = new Agent({ keepAlive: false, maxSockets: 64 });

function send(port: number, r: HostileRequest, via: Agent = agent): Promise<RawResponse> {
  const body = bodyBytes(r.body);
  const headers: Record<string, string> = {};
  if (r.contentType !== undefined) headers['Content-Type'] = r.contentType;
  if (r.authorization !== undefined) headers['Authorization'] = r.authorization;
  if (r.contentEncoding !== undefined) headers['Content-Encoding'] = r.contentEncoding;
  if (!r.chunked) headers['Content-Length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: r.endpoint, headers, agent: via }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (r.chunked) {
      req.write(body);
      req.end();
    } else {
      req.end(body);
    }
  });
}

function describeRequest(r: HostileRequest | BearerRequest): string {
  if ('path' in r) return `GET ${r.path}\n    Authorization: ${JSON.stringify(r.authorization)}`;
  const body = bodyBytes(r.body);
  const clip = (value: string | undefined) => (value !== undefined && value.length > 300 ? `${value.slice(0, 300)}…(${value.length} chars)` : value);
  const shown =
    typeof r.body === 'string'
      ? JSON.stringify(r.body.length > 400 ? `${r.body.slice(0, 400)}…` : r.body)
      : `<${body.length} raw bytes: ${body.subarray(0, 64).toString('hex')}…>`;
  return [
    `POST ${r.endpoint}`,
    `Content-Type: ${JSON.stringify(r.contentType)}`,
    `Authorization: ${JSON.stringify(clip(r.authorization))}`,
    `Content-Encoding: ${JSON.stringify(r.contentEncoding)}`,
    `framing: ${r.chunked ? 'chunked' : 'Content-Length'}; ${body.length} bytes`,
    `body: ${shown}`,
  ].join('\n    ');
}

/** What a property expects beyond the invariant; `overloadAllowed` also accepts the hash limiter's 503. */
interface Expected {
  status?: number;
  error?: string;
  overloadAllowed?: boolean;
}

/**
 * The invariant of every property: a 4xx, a JSON body with a §5.2 / RFC 6750 error code and a description in
 * the allowed characters, nothing else in the body. Returns what is wrong, empty when nothing is.
 */
function oauthErrorProblems(res: RawResponse, expected: Expected = {}): string[] {
  const problems: string[] = [];
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    problems.push('the body is not JSON');
  }
  if (expected.overloadAllowed && res.status === 503) {
    // The one 5xx a burst may meet: the hash limiter's refusal, which tells the client when to come back.
    if ((body as Record<string, unknown> | undefined)?.error !== 'temporarily_unavailable')
      problems.push('a 503 that is not temporarily_unavailable');
    if (!/^[1-9]\d*$/.test(String(res.headers['retry-after'] ?? '')))
      problems.push(`a 503 with Retry-After ${JSON.stringify(res.headers['retry-after'])}`);
    return problems;
  }
  if (res.status < 400 || res.status > 499) problems.push(`status ${res.status} is not a 4xx`);
  if (expected.status !== undefined && res.status !== expected.status) problems.push(`status ${res.status}, expected ${expected.status}`);
  if (!/^application\/json\b/.test(String(res.headers['content-type'] ?? '')))
    problems.push(`Content-Type ${String(res.headers['content-type'])} is not JSON`);
  if (body !== undefined) {
    const object = body as Record<string, unknown>;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) problems.push('the body is not a JSON object');
    else {
      if (!CLIENT_ERROR_CODES.includes(object.error as string))
        problems.push(`error ${JSON.stringify(object.error)} is not an RFC 6749 §5.2 / RFC 6750 code`);
      if (expected.error !== undefined && object.error !== expected.error)
        problems.push(`error ${JSON.stringify(object.error)}, expected ${expected.error}`);
      if ('error_description' in object) {
        const description = object.error_description;
        if (typeof description !== 'string' || !DESCRIPTION_CHARS.test(description)) {
          problems.push(`error_description ${JSON.stringify(description)} has characters RFC 6749 §5.2 does not allow`);
        }
      }
      const extra = Object.keys(object).filter((key) => !['error', 'error_description', 'error_uri'].includes(key));
      if (extra.length > 0) problems.push(`unexpected members ${extra.join(', ')}`);
    }
  }
  return problems;
}

function formatFailure(r: HostileRequest | BearerRequest, res: RawResponse | undefined, problems: string[]): string {
  const response = res ? `${res.status} ${String(res.headers['content-type'])}\n    ${res.text.slice(0, 500)}` : '(none)';
  return `${problems.join('; ')}\n  request:\n    ${describeRequest(r)}\n  response: ${response}`;
}

/** For the pinned examples: throws with the request and the response, so a failure reads as a bug report. */
function checkOAuthClientError(r: HostileRequest | BearerRequest, res: RawResponse, expected: Expected = {}): void {
  const problems = oauthErrorProblems(res, expected);
  if (problems.length > 0) throw new Error(formatFailure(r, res, problems));
}

/**
 * Collects the failures of a property instead of stopping at the first one, so one run reports every kind of
 * defect it met (with the smallest request of each kind) and always sends all its cases. Kinds are told apart by
 * endpoint and by what is wrong.
 */
class FailureLog {
  private readonly kinds = new Map<string, { count: number; size: number; report: string }>();

  record(r: HostileRequest, res: RawResponse | undefined, problems: string[]): void {
    const kind = `${r.endpoint}: ${problems.join('; ').replace(/"[^"]*"/g, '"…"')}`;
    const size = bodyBytes(r.body).length + (r.authorization?.length ?? 0) + (r.contentType?.length ?? 0);
    const known = this.kinds.get(kind);
    if (!known) this.kinds.set(kind, { count: 1, size, report: formatFailure(r, res, problems) });
    else {
      known.count++;
      if (size < known.size) Object.assign(known, { size, report: formatFailure(r, res, problems) });
    }
  }

  assertNone(): void {
    if (this.kinds.size === 0) return;
    const reports = [...this.kinds.entries()]
      .slice(0, 12)
      .map(([kind, { count, report }], i) => `#${i + 1} (${count}×) ${kind}\n  smallest: ${report}`);
    throw new Error(`${this.kinds.size} kind(s) of wrong answer:\n\n${reports.join('\n\n')}`);
  }
}

/** Whether body-parser must refuse the body as too large: read as a form, not compressed, over the limit. */
function mustBeTooLarge(r: HostileRequest): boolean {
  const identity = r.contentEncoding === undefined || r.contentEncoding.toLowerCase() === 'identity';
  return r.parsedAsForm && identity && bodyBytes(r.body).length > BODY_LIMIT_BYTES;
}

// ---------------------------------------------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------------------------------------------

describe('hostile input to /oauth/token, /oauth/revoke and /oauth/introspect', () => {
  let t: TestApp;
  let port: number;
  const casesPerEndpoint: Record<Endpoint, number> = { '/oauth/token': 0, '/oauth/revoke': 0, '/oauth/introspect': 0 };
  let totalCases = 0;
  let meCases = 0;

  let failures = new FailureLog();
  beforeEach(() => {
    failures = new FailureLog();
  });

  /** Sends one generated request and records what is wrong with the answer; `failures.assertNone()` ends each property. */
  const run = async (r: HostileRequest, expected?: Expected, via?: Agent) => {
    casesPerEndpoint[r.endpoint]++;
    totalCases++;
    let res: RawResponse;
    try {
      res = await send(port, r, via);
    } catch (error) {
      failures.record(r, undefined, [`no HTTP response: ${(error as Error).message}`]);
      return;
    }
    const problems = oauthErrorProblems(res, { ...(mustBeTooLarge(r) ? { status: 413, error: 'invalid_request' } : {}), ...expected });
    if (problems.length > 0) failures.record(r, res, problems);
  };

  beforeAll(async () => {
    // A short hash queue, so that the parallel bursts reach the limiter's refusal and check its answer too.
    t = await startTestApp({ OAUTH_HASH_CONCURRENCY: '2', OAUTH_HASH_QUEUE_MAX: '2' });
    await new Promise<void>((resolve) => t.http.listen(0, '127.0.0.1', resolve));
    port = (t.http.address() as AddressInfo).port;
  });
  afterAll(async () => {
    agent.destroy();
    burstAgent.destroy();
    await t?.close();
  });

  it('answers random bodies, Content-Types, encodings and foreign credentials with a 4xx OAuth error', async () => {
    await fc.assert(
      fc.asyncProperty(anyRequest, async (r) => {
        // Random text could in theory spell the demo client's secret; such a request might legitimately succeed.
        fc.pre(!bodyBytes(r.body).includes(DEMO.clientSecret));
        await run(r);
      }),
      { numRuns: 800 },
    );
    failures.assertNone();
  });

  /**
   * The same invariant with requests sent in parallel bursts, mixed with requests that each cost a slow hash (a
   * wrong secret of the demo client, an unknown client id, a login with a made-up username): the hash limiter may
   * refuse some with 503 `temporarily_unavailable` and `Retry-After`; nothing else may be a 5xx.
   */
  it("keeps to it under parallel bursts, where the only 5xx is the hash limiter's 503 with Retry-After", async () => {
    const form = (fields: Record<string, string>) =>
      Object.entries(fields)
        .map(([key, value]) => `${key}=${formEncode(value)}`)
        .join('&');
    const tokenRequest = (body: string, authorization?: string): HostileRequest => ({
      endpoint: '/oauth/token',
      contentType: FORM_TYPES[0],
      parsedAsForm: true,
      authorization,
      body,
      chunked: false,
    });
    // Short enough for a header: Node answers 431 by itself to more than 16 KiB of them.
    const shortWrongSecret = wrongSecret.filter((secret) => Buffer.byteLength(secret) <= 512);
    const costly: fc.Arbitrary<HostileRequest> = fc.oneof(
      shortWrongSecret.map((secret) =>
        tokenRequest(form({ grant_type: 'client_credentials' }), `Basic ${b64(`${formEncode(DEMO.clientId)}:${formEncode(secret)}`)}`),
      ),
      fc
        .tuple(
          anyText.filter((id) => id !== DEMO.clientId),
          anyText,
        )
        .map(([id, secret]) => tokenRequest(form({ grant_type: 'client_credentials', client_id: id, client_secret: secret }))),
      fc
        .tuple(fc.nat(), anyText)
        .map(([n, password]) => tokenRequest(form({ grant_type: 'password', username: `junk-${n}@example.org`, password }), DEMO.basic)),
    );
    const burst = fc.array(fc.oneof({ arbitrary: costly, weight: 2 }, { arbitrary: anyRequest, weight: 1 }), { minLength: 16, maxLength: 48 });
    await fc.assert(
      fc.asyncProperty(burst, async (requests) => {
        await Promise.all(
          requests.filter((r) => !bodyBytes(r.body).includes(DEMO.clientSecret)).map((r) => run(r, { overloadAllowed: true }, burstAgent)),
        );
      }),
      { numRuns: 15 },
    );
    failures.assertNone();
  });

  /**
   * The demo client's real credentials, so that the request gets past client authentication and into the
   * grant handlers and the pipe, with parameters that can never make a valid request: a missing, repeated or
   * unsupported grant_type, a wrong password, a random refresh token, a missing or repeated token.
   */
  describe('with the real client credentials', () => {
    const omitted = Symbol('omitted');
    type Field = string | string[] | typeof omitted;

    const randomJunk = fc.array(
      pair(
        anyKey.filter((k) => !KNOWN_KEYS.includes(k)),
        anyValue,
      ),
      { maxLength: 4 },
    );
    const repeated = (value: fc.Arbitrary<string>) => fc.array(value, { minLength: 2, maxLength: 3 });
    const wrongPassword = anyValue.filter((p) => p !== DEMO.password);

    const tokenFields: fc.Arbitrary<Record<string, Field>> = fc.oneof(
      fc.record({ grant_type: fc.constant<Field>(omitted) }),
      fc.record({ grant_type: repeated(fc.constantFrom('password', 'refresh_token', 'client_credentials')) }),
      fc.record({
        grant_type: anyValue.filter((g) => !['password', 'refresh_token', ''].includes(g)),
        username: fc.constant(DEMO.username),
        password: fc.constant(DEMO.password),
      }),
      fc.record({
        grant_type: fc.constant('password'),
        username: fc.oneof(fc.constant<Field>(DEMO.username), anyValue, fc.constant<Field>(omitted)),
        password: fc.oneof(wrongPassword, fc.constant<Field>(omitted)),
        scope: fc.oneof(fc.constant<Field>(omitted), anyValue),
      }),
      fc.record({
        grant_type: fc.constant('password'),
        username: fc.oneof(fc.constant<Field>(omitted), repeated(fc.constant(DEMO.username))),
        password: fc.constant(DEMO.password),
      }),
      fc.record({
        grant_type: fc.constant('password'),
        username: fc.constant(DEMO.username),
        password: repeated(fc.constant(DEMO.password)),
      }),
      fc.record({
        grant_type: fc.constant('refresh_token'),
        refresh_token: fc.oneof(anyValue, fc.constant<Field>(omitted), repeated(anyValue)),
        scope: fc.oneof(fc.constant<Field>(omitted), anyValue),
      }),
    );
    const hintFields: fc.Arbitrary<Record<string, Field>> = fc.record({
      token: fc.oneof(fc.constant<Field>(omitted), fc.constant<Field>(''), repeated(anyValue)),
      token_type_hint: fc.oneof(fc.constant<Field>(omitted), anyValue, repeated(anyValue)),
    });

    /** Puts the fields on the wire, each value properly encoded or with broken escapes (never raw: "&" in a value must not invent parameters). */
    const encodeFields = (fields: Record<string, Field>, valueModes: number[]): string[] => {
      const pairs: string[] = [];
      let i = 0;
      for (const [key, field] of Object.entries(fields)) {
        if (field === omitted) continue;
        for (const value of Array.isArray(field) ? field : [field]) {
          const mode = valueModes[i++ % Math.max(1, valueModes.length)] ?? 0;
          // mode 1: a broken escape appended, which can only make the value wrong, never right
          // (an empty value stays empty: "%ZZ" alone would be a present, and so valid, token for revoke and introspect)
          pairs.push(`${key}=${formEncode(value)}${mode === 1 && value !== '' ? '%ZZ' : ''}`);
        }
      }
      return pairs;
    };

    const realCredentialsRequest: fc.Arbitrary<HostileRequest> = fc
      .record({
        endpoint: fc.constantFrom(...ENDPOINTS),
        tokenFields,
        hintFields,
        junk: randomJunk,
        valueModes: fc.array(fc.constantFrom(0, 0, 0, 1), { maxLength: 6 }),
        clientAuth: fc.constantFrom('basic', 'basic', 'form-encoded basic', 'post', 'both'),
        type: fc.oneof(
          { arbitrary: formContentType.map((contentType) => ({ contentType, parsedAsForm: true })), weight: 5 },
          { arbitrary: anyContentType, weight: 1 },
        ),
        contentEncoding: anyEncoding,
        chunked: fc.boolean(),
        shuffleSeed: fc.nat(),
      })
      .map(({ endpoint, tokenFields, hintFields, junk, valueModes, clientAuth, type, contentEncoding, chunked, shuffleSeed }) => {
        const pairs = [...encodeFields(endpoint === '/oauth/token' ? tokenFields : hintFields, valueModes), ...junk];
        if (clientAuth === 'post' || clientAuth === 'both') pairs.push(`client_id=${DEMO.clientId}`, `client_secret=${DEMO.clientSecret}`);
        // A deterministic shuffle, so parameter order varies too.
        const ordered = pairs
          .map((p, i) => ({ p, k: (shuffleSeed * (i + 7)) % 101 }))
          .sort((a, b) => a.k - b.k)
          .map(({ p }) => p);
        return {
          endpoint,
          contentType: type.contentType,
          parsedAsForm: type.parsedAsForm,
          authorization:
            clientAuth === 'post' ? undefined : clientAuth === 'form-encoded basic' ? basicAuth(DEMO.clientId, DEMO.clientSecret) : DEMO.basic,
          contentEncoding,
          body: ordered.join('&'),
          chunked,
        };
      });

    it('still answers malformed grant and token parameters with a 4xx OAuth error', async () => {
      await fc.assert(
        fc.asyncProperty(realCredentialsRequest, async (r) => {
          await run(r);
        }),
        { numRuns: 500 },
      );
      failures.assertNone();
    });
  });

  it('answers a valid-looking body with any foreign Authorization header with 401 invalid_client', async () => {
    const validLooking: Record<Endpoint, string> = {
      '/oauth/token': `grant_type=password&username=${formEncode(DEMO.username)}&password=${formEncode(DEMO.password)}`,
      '/oauth/revoke': 'token=some-token&token_type_hint=access_token',
      '/oauth/introspect': 'token=some-token',
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ENDPOINTS),
        foreignAuthorization,
        formContentType,
        fc.boolean(),
        async (endpoint, authorization, contentType, chunked) => {
          const r: HostileRequest = { endpoint, contentType, parsedAsForm: true, authorization, body: validLooking[endpoint], chunked };
          await run(r, { status: 401, error: 'invalid_client' });
        },
      ),
      { numRuns: 300 },
    );
    failures.assertNone();
  });

  it('answers every form body above 16 KiB, as sent or once decompressed, with 413 invalid_request', async () => {
    const oversized = fc
      .record({
        endpoint: fc.constantFrom(...ENDPOINTS),
        contentType: formContentType,
        authorization: fc.oneof(fc.constant<string | undefined>(DEMO.basic), anyAuthorization),
        size: fc.integer({ min: BODY_LIMIT_BYTES + 1, max: 4 * BODY_LIMIT_BYTES }),
        filler: fc.oneof(
          fc.constantFrom('a', '%', 'é', '=', '&', '\u0000', '😀', 'grant_type=password&'),
          fc.string({ unit: 'grapheme', minLength: 1 }),
        ),
        prefix: fc.constantFrom('', 'grant_type=password&username=x&password=', 'token=', 'refresh_token='),
        chunked: fc.boolean(),
        contentEncoding: fc.constantFrom(undefined, undefined, 'gzip', 'deflate', 'br'),
      })
      .map(({ endpoint, contentType, authorization, size, filler, prefix, chunked, contentEncoding }): HostileRequest => {
        const fillerBytes = Buffer.byteLength(filler);
        const body = prefix + filler.repeat(Math.ceil((size - prefix.length) / fillerBytes));
        if (contentEncoding === undefined) return { endpoint, contentType, parsedAsForm: true, authorization, body, chunked };
        // Compressed, most of these are far below the limit on the wire: the limit is on the inflated bytes.
        return {
          endpoint,
          contentType,
          parsedAsForm: true,
          authorization,
          body: new Uint8Array(COMPRESS[contentEncoding](Buffer.from(body))),
          contentEncoding,
          chunked,
        };
      });
    await fc.assert(
      fc.asyncProperty(oversized, async (r) => {
        if (r.contentEncoding === undefined) expect(bodyBytes(r.body).length).toBeGreaterThan(BODY_LIMIT_BYTES);
        await run(r, { status: 413, error: 'invalid_request' });
      }),
      { numRuns: 100 },
    );
    failures.assertNone();
  });

  /** RFC 6750 §3.1 at a BearerGuard route: random Authorization headers and random bearer tokens. */
  it('answers random Authorization headers at a BearerGuard route (GET /me) with a 4xx RFC 6750 error', async () => {
    const bearerish = fc.oneof(
      foreignAuthorization,
      fc
        .oneof(fc.base64String(), anyText, fc.stringMatching(/^[A-Za-z0-9\-._~+/]+=*$/))
        .map((token) => `Bearer ${token}`)
        .filter((v) => v.length <= MAX_HEADER_VALUE && HEADER_SAFE.test(v)),
      fc.constantFrom('Bearer', 'Bearer ', 'Bearer  x', 'Bearer x y', 'bearer x', 'BEARER x', 'Bearer =', 'Bearer\tx'),
    );
    await fc.assert(
      fc.asyncProperty(fc.option(bearerish, { nil: undefined }), async (authorization) => {
        meCases++;
        const res = await new Promise<RawResponse>((resolve, reject) => {
          const req = httpRequest(
            {
              host: '127.0.0.1',
              port,
              method: 'GET',
              path: '/me',
              headers: authorization === undefined ? {} : { Authorization: authorization },
              agent,
            },
            (response) => {
              const chunks: Buffer[] = [];
              response.on('data', (chunk: Buffer) => chunks.push(chunk));
              response.on('end', () =>
                resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }),
              );
            },
          );
          req.on('error', reject);
          req.end();
        });
        const r: BearerRequest = { path: '/me', authorization };
        checkOAuthClientError(r, res);
        expect(['invalid_request', 'invalid_token']).toContain(JSON.parse(res.text).error);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer realm=/);
      }),
      { numRuns: 200 },
    );
  });

  /**
   * Defect found by the first property, pinned so it stays visible without a seed: a body that the
   * Content-Encoding it declares cannot decode. body-parser wraps the zlib error with createError(400, error),
   * which carries no `type`, so `BodyParserError` (libs/oauth/src/errors/oauth-exception.filter.ts) does not
   * recognise it and Nest's default filter answers {"statusCode":400,"message":"Bad Request"} instead of an OAuth
   * error (and without Cache-Control: no-store).
   */
  describe('a body its Content-Encoding cannot decode', () => {
    const validGrant = `grant_type=password&username=${formEncode(DEMO.username)}&password=${formEncode(DEMO.password)}`;
    const truncatedGzip = new Uint8Array(gzipSync(Buffer.from(validGrant)).subarray(0, 12));
    const cases: Array<[string, HostileRequest]> = [
      [
        'empty body, Content-Encoding: gzip, at the token endpoint',
        {
          endpoint: '/oauth/token',
          contentType: FORM_TYPES[0],
          parsedAsForm: true,
          authorization: DEMO.basic,
          contentEncoding: 'gzip',
          body: '',
          chunked: false,
        },
      ],
      [
        'plain form, Content-Encoding: deflate, at the token endpoint',
        {
          endpoint: '/oauth/token',
          contentType: FORM_TYPES[0],
          parsedAsForm: true,
          authorization: DEMO.basic,
          contentEncoding: 'deflate',
          body: validGrant,
          chunked: false,
        },
      ],
      [
        'truncated gzip at the token endpoint',
        {
          endpoint: '/oauth/token',
          contentType: FORM_TYPES[0],
          parsedAsForm: true,
          authorization: DEMO.basic,
          contentEncoding: 'gzip',
          body: truncatedGzip,
          chunked: false,
        },
      ],
      [
        'plain form, Content-Encoding: br, at the revocation endpoint',
        {
          endpoint: '/oauth/revoke',
          contentType: FORM_TYPES[0],
          parsedAsForm: true,
          authorization: DEMO.basic,
          contentEncoding: 'br',
          body: 'token=abc',
          chunked: false,
        },
      ],
      [
        'plain form, Content-Encoding: gzip, at the introspection endpoint',
        {
          endpoint: '/oauth/introspect',
          contentType: FORM_TYPES[0],
          parsedAsForm: true,
          authorization: DEMO.basic,
          contentEncoding: 'gzip',
          body: 'token=abc',
          chunked: false,
        },
      ],
    ];

    it.each(cases)('is answered with 400 invalid_request: %s', async (_name, r) => {
      const res = await send(port, r);
      checkOAuthClientError(r, res, { status: 400, error: 'invalid_request' });
      expect(res.headers['cache-control']).toBe('no-store');
    });
  });

  it('sent at least 1,000 generated cases, spread over the three endpoints', () => {
    expect(totalCases).toBeGreaterThanOrEqual(1000);
    for (const endpoint of ENDPOINTS) expect(casesPerEndpoint[endpoint]).toBeGreaterThanOrEqual(150);
    expect(meCases).toBeGreaterThanOrEqual(200);
  });
});
