import formBody from '@fastify/formbody';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { errorCodes } from 'fastify';
import { Transform, type Readable } from 'node:stream';
import * as zlib from 'node:zlib';

/**
 * Form bodies on Fastify, answered as body-parser's `urlencoded()` answers them on Express:
 *
 * - only `application/x-www-form-urlencoded` is read, by @fastify/formbody (a repeated parameter becomes an array,
 *   "a[b]" stays a plain name); any other body is left unread with `body` undefined, where Fastify would parse
 *   JSON and text itself, so the route refuses it as it does on Express;
 * - `Content-Encoding` gzip, deflate and br (and zstd where Node has it) are decompressed, any other is refused
 *   with 415 and a body its encoding cannot decode with 400;
 * - `bodyLimit` holds for the decompressed bytes: the decompressor is destroyed the moment its output passes the
 *   limit, so a small compressed body that would inflate to gigabytes costs no more than one at the limit.
 *   Fastify applies the same limit to the bytes received and to Content-Length as well.
 *
 * The charset is the OAuth module's business (RFC 6749 Appendix B: UTF-8; `FormBodyGuard` refuses any other).
 */
export async function useFastifyFormBodies(app: NestFastifyApplication, bodyLimit: number): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  await app.register(formBody, { bodyLimit });
  fastify.addHook('preParsing', async (request, _reply, payload) =>
    request.mediaType === FORM_MEDIA_TYPE ? decoded(payload, request.headers['content-encoding'], bodyLimit) : payload,
  );
}

const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

/** A refusal shaped like body-parser's `http-errors`, which the OAuth module answers in OAuth JSON. */
function bodyError(status: number, message: string, type: string): Error {
  return Object.assign(new Error(message), { status, statusCode: status, expose: true, type });
}

function decompressor(encoding: string): Transform | undefined {
  switch (encoding) {
    case 'deflate':
      return zlib.createInflate();
    case 'gzip':
      return zlib.createGunzip();
    case 'br':
      return zlib.createBrotliDecompress();
    case 'zstd':
      return 'createZstdDecompress' in zlib ? (zlib as unknown as { createZstdDecompress(): Transform }).createZstdDecompress() : undefined;
    default:
      return undefined;
  }
}

/** The stream @fastify/formbody reads: `request` itself, or what it decompresses to, cut off past `limit`. */
function decoded(request: Readable, contentEncoding: string | undefined, limit: number): Readable {
  const encoding = (contentEncoding || 'identity').toLowerCase();
  if (encoding === 'identity') return request;
  const inflate = decompressor(encoding);
  if (!inflate) throw bodyError(415, 'unsupported content encoding', 'encoding.unsupported');

  let inflated = 0;
  const body = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      inflated += chunk.length;
      if (inflated > limit) callback(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
      else callback(null, chunk);
    },
  });
  // Fastify compares the bytes received, not the decompressed ones, with Content-Length and its limit.
  const withLength = Object.assign(body, { receivedEncodedLength: 0 });
  request.on('data', (chunk: Buffer) => (withLength.receivedEncodedLength += chunk.length));
  // Fastify stops listening once it has refused the body itself; an error after that must not go unhandled.
  body.on('error', () => {});
  inflate.once('error', () => body.destroy(bodyError(400, 'Bad Request', 'encoding.failed')));
  // However the body ends (read, over the limit, undecodable, the client gone), nothing is decompressed after it;
  // what is left of the request is read off and dropped once the answer is sent, as body-parser does.
  body.once('close', () => {
    request.unpipe(inflate);
    inflate.destroy();
  });
  request.pipe(inflate).pipe(body);
  return body;
}
