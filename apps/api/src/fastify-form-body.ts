import formBody from '@fastify/formbody';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';

/**
 * Form bodies on Fastify, read the way body-parser's `urlencoded({ extended: false })` reads them on Express, so the
 * app answers the same on both adapters:
 *
 * - only `application/x-www-form-urlencoded` is parsed (through @fastify/formbody, whose parser turns a repeated
 *   parameter into an array and keeps "a[b]" a plain name); every other body is left unread, with `body` undefined,
 *   where Fastify would parse JSON and text itself or refuse other types with its own 415;
 * - `Content-Encoding` gzip, deflate and br are decompressed, any other encoding is refused with 415, and a body its
 *   encoding cannot decode with 400;
 * - the charset must be utf-8 (the default) or iso-8859-1, else 415; iso-8859-1 bodies decode as body-parser decodes
 *   them, a UTF-8 byte order mark is dropped;
 * - more than 1,000 parameters is 413, as a body over the size limit is.
 *
 * Its refusals are `http-errors`-shaped, like body-parser's, so the OAuth module answers them in OAuth JSON on its
 * endpoints. The size limit is Fastify's own `bodyLimit`, passed to @fastify/formbody, which the OAuth module also
 * answers in OAuth JSON. It applies to the decompressed body as body-parser's does, but also to the bytes received
 * and to Content-Length, compressed or not, and to an iso-8859-1 body once re-encoded as UTF-8: a compressed body
 * over the limit that would decompress under it, or a long iso-8859-1 body of accented letters, is refused here
 * with 413 where Express would read it.
 */
export async function useFastifyFormBodies(app: NestFastifyApplication, bodyLimit: number): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  // Any other type (or none): not read, as on Express; the route sees no body and FormBodyGuard refuses it.
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  await app.register(formBody, { bodyLimit });
  fastify.addHook('preParsing', async (request, _reply, payload) => formPayload(request, payload));
}

const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';
/** body-parser's default `parameterLimit`. */
const PARAMETER_LIMIT = 1000;
/** Methods Fastify never reads a body for. */
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'TRACE']);
const hasZstd = 'createZstdDecompress' in zlib;

/** A refusal shaped like body-parser's `http-errors` objects; `statusCode` is what Fastify reads. */
class FormBodyError extends Error {
  readonly expose = true;
  readonly statusCode: number;

  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
  ) {
    super(message);
    this.statusCode = status;
  }
}

/** A body its Content-Encoding cannot decode; body-parser's answer says no more than this either. */
const undecodable = () => new FormBodyError(400, 'Bad Request', 'encoding.failed');

/** The stream @fastify/formbody reads instead of `payload`; `payload` itself when the request is not a form. */
function formPayload(request: { method: string; mediaType?: string; headers: IncomingHttpHeaders }, payload: Readable): Readable {
  const { headers } = request;
  if (request.mediaType !== FORM_MEDIA_TYPE || BODYLESS_METHODS.has(request.method)) return payload;
  // type-is's hasBody: no Transfer-Encoding and no Content-Length means no body at all.
  if (headers['transfer-encoding'] === undefined && headers['content-length'] === undefined) return payload;

  const charset = contentTypeCharset(headers['content-type'] ?? '') || 'utf-8';
  if (charset !== 'utf-8' && charset !== 'iso-8859-1') {
    throw new FormBodyError(415, `unsupported charset "${charset.toUpperCase()}"`, 'charset.unsupported');
  }
  const encoding = (headers['content-encoding'] || 'identity').toLowerCase();
  if (encoding !== 'identity' && !['deflate', 'gzip', 'br', ...(hasZstd ? ['zstd'] : [])].includes(encoding)) {
    throw new FormBodyError(415, `unsupported content encoding "${encoding}"`, 'encoding.unsupported');
  }
  if (headers['transfer-encoding'] === undefined && headers['content-length'] === '0') {
    // Fastify runs no parser for an empty body; body-parser reads it, and an empty compressed stream is truncated.
    if (encoding !== 'identity') throw undecodable();
    return payload;
  }

  const form = new FormBodyStream(charset === 'iso-8859-1');
  // Fastify listens for the error while it reads; once it has refused the body itself (over the limit), nobody does.
  form.on('error', () => {});
  // Fastify compares this, not the length of what it reads, with Content-Length.
  payload.on('data', (chunk: Buffer) => (form.receivedEncodedLength += chunk.length));
  if (encoding === 'identity') return payload.pipe(form);

  const decompress = createDecompressor(encoding);
  decompress.on('error', () => {
    payload.unpipe(decompress);
    form.fail(payload, undecodable());
  });
  form.once('close', () => decompress.destroy());
  return payload.pipe(decompress).pipe(form);
}

function createDecompressor(encoding: string): Transform {
  switch (encoding) {
    case 'deflate':
      return zlib.createInflate();
    case 'gzip':
      return zlib.createGunzip();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return (zlib as unknown as { createZstdDecompress(): Transform }).createZstdDecompress();
  }
}

/**
 * The `charset` parameter of a Content-Type header, lower-cased, read as the `content-type` package (2.x) that
 * body-parser uses reads it: leniently, the first occurrence winning, a quoted value unquoted. Undefined when absent.
 */
function contentTypeCharset(header: string): string | undefined {
  const SEMI = 0x3b;
  const EQ = 0x3d;
  const DQUOTE = 0x22;
  const BSLASH = 0x5c;
  const isOws = (code: number) => code === 0x20 || code === 0x09;
  const skipOws = (index: number) => {
    while (index < header.length && isOws(header.charCodeAt(index))) index++;
    return index;
  };
  const trimEnd = (start: number, end: number) => {
    while (end > start && isOws(header.charCodeAt(end - 1))) end--;
    return end;
  };
  const skipValue = (index: number) => {
    while (index < header.length && header.charCodeAt(index) !== SEMI) index++;
    return index;
  };
  const parameters = new Map<string, string>();
  let index = header.indexOf(';');
  if (index === -1) return undefined;
  parameter: while (index < header.length) {
    index = skipOws(index + 1);
    const keyStart = index;
    while (index < header.length) {
      const code = header.charCodeAt(index);
      if (code === SEMI) continue parameter;
      if (code === EQ) {
        const key = header.slice(keyStart, trimEnd(keyStart, index)).toLowerCase();
        index = skipOws(index + 1);
        if (index < header.length && header.charCodeAt(index) === DQUOTE) {
          index++;
          let value = '';
          while (index < header.length) {
            const char = header.charCodeAt(index++);
            if (char === DQUOTE) {
              index = skipValue(index);
              if (!parameters.has(key)) parameters.set(key, value);
              break;
            }
            if (char === BSLASH && index < header.length) value += header[index++];
            else value += String.fromCharCode(char);
          }
          continue parameter;
        }
        const valueStart = index;
        index = skipValue(index);
        if (!parameters.has(key)) parameters.set(key, header.slice(valueStart, trimEnd(valueStart, index)));
        continue parameter;
      }
      index++;
    }
  }
  return parameters.get('charset')?.toLowerCase();
}

const PERCENT = 0x25;
const AMPERSAND = 0x26;
const isHex = (byte: number | undefined) =>
  byte !== undefined && ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66));
const hex = (byte: number) => byte.toString(16).toUpperCase().padStart(2, '0');

/**
 * Hands @fastify/formbody, which reads bodies as UTF-8, the UTF-8 body that body-parser would have decoded: the byte
 * order mark dropped and, for iso-8859-1, every byte above 0x7F (raw or percent-encoded) turned into its UTF-8 form,
 * and a "%" that starts no escape into "%25" (body-parser's iso-8859-1 decoding keeps it as it is). Counts the
 * parameters on the way.
 */
class FormBodyStream extends Transform {
  /** The bytes read from the request, before any decompression. */
  receivedEncodedLength = 0;
  private ampersands = 0;
  private emitted = 0;
  private started = false;
  private carry: Buffer = Buffer.alloc(0);
  private failed = false;

  constructor(private readonly latin1: boolean) {
    super();
  }

  /** Fails once the request has been read to its end, as body-parser does, so the client gets the answer. */
  fail(request: Readable, error: FormBodyError): void {
    if (this.failed) return;
    this.failed = true;
    const destroy = () => this.destroy(error);
    if (request.readableEnded) destroy();
    else {
      request.once('end', destroy);
      request.once('error', destroy);
      request.resume();
    }
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.emit_(Buffer.concat([this.carry, chunk]), false);
    callback();
  }

  override _flush(callback: TransformCallback): void {
    this.emit_(this.carry, true);
    if (this.emitted > 0 && this.ampersands + 1 > PARAMETER_LIMIT) {
      callback(new FormBodyError(413, 'too many parameters', 'parameters.too.many'));
      return;
    }
    callback();
  }

  private emit_(bytes: Buffer, final: boolean): void {
    if (!this.started) {
      // iconv-lite, which body-parser decodes with, drops a leading U+FEFF; in iso-8859-1 no byte sequence is one.
      if (!this.latin1 && bytes.length < 3 && !final) {
        this.carry = bytes;
        return;
      }
      this.started = true;
      if (!this.latin1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    let out = bytes;
    this.carry = Buffer.alloc(0);
    if (this.latin1) {
      const bytesOut: number[] = [];
      let i = 0;
      for (; i < bytes.length; i++) {
        const byte = bytes[i];
        if (byte === PERCENT) {
          if (i + 2 >= bytes.length && !final) break;
          if (isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
            const value = parseInt(String.fromCharCode(bytes[i + 1], bytes[i + 2]), 16);
            if (value < 0x80) bytesOut.push(byte, bytes[i + 1], bytes[i + 2]);
            else for (const utf8 of [0xc0 | (value >> 6), 0x80 | (value & 0x3f)]) bytesOut.push(PERCENT, ...Buffer.from(hex(utf8)));
            i += 2;
          } else bytesOut.push(PERCENT, 0x32, 0x35);
        } else if (byte >= 0x80) bytesOut.push(0xc0 | (byte >> 6), 0x80 | (byte & 0x3f));
        else bytesOut.push(byte);
      }
      this.carry = bytes.subarray(i);
      out = Buffer.from(bytesOut);
    }
    for (const byte of out) if (byte === AMPERSAND) this.ampersands++;
    this.emitted += out.length;
    if (out.length > 0) this.push(out);
  }
}
