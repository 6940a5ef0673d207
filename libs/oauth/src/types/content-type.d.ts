// The `content-type` package (1.x) ships no declarations; this is the part of its API the module calls.
declare module 'content-type' {
  /** A parsed `Content-Type`: the media type lower-cased, parameter names lower-cased. */
  export interface ParsedMediaType {
    type: string;
    parameters: Record<string, string>;
  }
  /** Throws a `TypeError` when the header is not a valid RFC 9110 media type. */
  export function parse(header: string): ParsedMediaType;
}
