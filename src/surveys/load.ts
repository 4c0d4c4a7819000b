import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { FlowIssue } from '../ivr/errors.js';
import type { SoundCatalog } from '../ivr/sounds.js';
import { joinPath, zodIssues } from '../ivr/validate.js';
import { surveyDocument, surveyMedia, type SurveyDefinition } from './schema.js';

/** Survey definitions live beside the flows, in <flows dir>/surveys/<id>.yaml|yml|json. */
export const SurveyFolder = 'surveys';
const Extensions = new Set(['.yaml', '.yml', '.json']);

export type SurveyValidation = { ok: true; survey: SurveyDefinition } | { ok: false; errors: FlowIssue[] };

/** Shape (zod), then what zod cannot see: prompts Asterisk does not have, the id matching the file. */
export function validateSurvey(input: unknown, sounds: SoundCatalog, fileName?: string): SurveyValidation {
  const parsed = surveyDocument.safeParse(input);
  if (!parsed.success) return { ok: false, errors: zodIssues(parsed.error) };
  const survey = parsed.data;
  const errors: FlowIssue[] = [];
  for (const m of surveyMedia(survey)) {
    if (!m.uri.startsWith('sound:')) continue;
    const sound = m.uri.slice('sound:'.length);
    if (!sounds.has(sound)) errors.push({ path: joinPath(m.path), message: `no sound "${sound}"` });
  }
  if (fileName !== undefined && survey.id !== fileName)
    errors.push({ path: 'id', message: `"${survey.id}" is not the file name "${fileName}"` });
  return errors.length ? { ok: false, errors } : { ok: true, survey };
}

export interface SurveyLoad {
  accepted: SurveyDefinition[];
  refused: Array<{ source: string; issues: FlowIssue[] }>;
}

/** Reads and validates every survey file; a missing folder is no surveys, not an error. */
export async function loadSurveyFolder(flowsDir: string, sounds: SoundCatalog): Promise<SurveyLoad> {
  const dir = path.join(flowsDir, SurveyFolder);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => Extensions.has(path.extname(n))).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { accepted: [], refused: [] };
    throw err;
  }
  const out: SurveyLoad = { accepted: [], refused: [] };
  for (const n of names) {
    const source = path.join(dir, n);
    let content: unknown;
    try {
      const text = await readFile(source, 'utf8');
      content = path.extname(n) === '.json' ? JSON.parse(text) : parseYaml(text);
    } catch (err) {
      out.refused.push({ source, issues: [{ path: '', message: (err as Error).message.split('\n')[0]! }] });
      continue;
    }
    const r = validateSurvey(content, sounds, path.basename(n, path.extname(n)));
    if (r.ok) out.accepted.push(r.survey);
    else out.refused.push({ source, issues: r.errors });
  }
  return out;
}
