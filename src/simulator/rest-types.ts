/** A handler's answer; errors are thrown as AriError. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Raw bytes (recording files) instead of JSON. */
  raw?: Buffer;
  contentType?: string;
}

// Parameters after Swagger-style parsing: strings, numbers, booleans, string[] for allowMultiple, objects for body.
export type Args = Record<string, any>;
export type Handler = (args: Args) => Reply;
/** Keyed "resource.nickname", e.g. "channels.originate". */
export type HandlerTable = Record<string, Handler>;

export const ok = (body: unknown): Reply => ({ status: 200, body });
/** ast_ari_response_created(): the Location header starts with the root path segment, "/ari". */
export const created = (location: string, body: unknown): Reply => ({
  status: 201,
  body,
  headers: { Location: `/ari${location}` },
});
export const noContent = (): Reply => ({ status: 204 });
