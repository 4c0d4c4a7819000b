/** ast_uri_decode(ast_uri_http_legacy): '+' is a space, %XX is a byte, bad escapes stay as they are. */
export function uriDecodeLegacy(s: string): string {
  const plus = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  }
}

/** ast_uri_encode(ast_uri_http): everything but ALPHA / DIGIT / "-" / "." / "_" / "~" is %XX. */
export function uriEncodeHttp(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
