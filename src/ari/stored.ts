import type { AriRest } from './rest.js';
import { AriNotFoundError, AriUnavailableError, classifyAriError } from './errors.js';
import type { StoredRecordings } from './port.js';

export interface StoredRecordingsOptions {
  url: string;
  user: string;
  password: string;
  timeoutMs: number;
}

/**
 * Asterisk's stored recordings. Metadata, copy and delete go through the REST surface; the file is
 * fetched directly, because ari-client decodes every body as text and would corrupt audio.
 */
export function storedRecordings(rest: AriRest, options: StoredRecordingsOptions): StoredRecordings {
  const auth = 'Basic ' + Buffer.from(`${options.user}:${options.password}`).toString('base64');
  return {
    async get(name) {
      try {
        return await rest.call<{ name: string; format: string }>('recordings', 'getStored', {
          recordingName: name,
        });
      } catch (err) {
        if (err instanceof AriNotFoundError) return undefined;
        throw err;
      }
    },
    async file(name) {
      const operation = 'recordings.getStoredFile';
      const url = new URL(`/ari/recordings/stored/${encodeURIComponent(name)}/file`, options.url);
      let res: Response;
      try {
        res = await fetch(url, {
          headers: { authorization: auth },
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch (err) {
        throw new AriUnavailableError(
          'ARI_UNAVAILABLE',
          `${operation}: ${(err as Error).message}`,
          operation,
        );
      }
      if (!res.ok) {
        const text = await res.text().catch(() => '');
        let message = text;
        try {
          message = (JSON.parse(text) as { message?: string }).message ?? text;
        } catch {
          // not JSON: keep the text
        }
        throw classifyAriError(new Error(JSON.stringify({ message: message || res.statusText })), operation);
      }
      return {
        data: Buffer.from(await res.arrayBuffer()),
        contentType: res.headers.get('content-type') ?? 'application/octet-stream',
      };
    },
    async copy(name, destination) {
      await rest.call('recordings', 'copyStored', {
        recordingName: name,
        destinationRecordingName: destination,
      });
    },
    async delete(name) {
      try {
        await rest.call('recordings', 'deleteStored', { recordingName: name });
      } catch (err) {
        if (!(err instanceof AriNotFoundError)) throw err;
      }
    },
  };
}
