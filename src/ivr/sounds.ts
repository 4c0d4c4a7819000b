/**
 * What prompts exist. The engine builds it from Asterisk's own sound list (GET /ari/sounds), so a
 * flow naming a prompt that is not installed is refused at load instead of failing on a caller.
 */
export interface SoundCatalog {
  has(soundId: string, language?: string): boolean;
}

/** The shape of one entry of ARI's GET /sounds. */
export interface AriSoundEntry {
  id: string;
  formats?: Array<{ language: string; format: string }>;
}

export function soundCatalogFrom(entries: readonly AriSoundEntry[]): SoundCatalog {
  const byId = new Map(entries.map((s) => [s.id, new Set((s.formats ?? []).map((f) => f.language))]));
  return {
    has(soundId, language) {
      const langs = byId.get(soundId);
      if (!langs) return false;
      // Asterisk falls back to the default (en) sounds when a language lacks the file.
      return !language || langs.size === 0 || langs.has(language) || langs.has('en');
    },
  };
}

/** A catalog that knows every sound: only for tools that validate flows without an Asterisk. */
export const anySound: SoundCatalog = { has: () => true };
