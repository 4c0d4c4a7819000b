/**
 * Readers for the deployment files the deploy tests check: a YAML subset (enough for
 * docker-compose.yml), Asterisk's INI-style .conf files, and .env.example.
 *
 * No YAML library is a dependency of the project, and adding one only for a test is not worth
 * it. The subset reader throws on anything it does not understand (anchors, block scalars, tags,
 * non-empty flow maps), so a later compose edit fails the test loudly instead of being misread.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RepoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function readRepoFile(...parts: string[]): string {
  return readFileSync(join(RepoRoot, ...parts), 'utf8');
}

export type Yaml = string | null | Yaml[] | { [key: string]: Yaml };

interface Line {
  indent: number;
  text: string;
  number: number;
}

/** Index of the first character outside quotes matching `test`, or -1. */
function scanOutsideQuotes(text: string, test: (ch: string, i: number) => boolean): number {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = null;
    } else if ((ch === '"' || ch === "'") && (i === 0 || /[\s[,:-]/.test(text[i - 1]!))) {
      quote = ch;
    } else if (test(ch, i)) {
      return i;
    }
  }
  return -1;
}

/** "[" minus "]" outside quotes. */
function bracketDepth(text: string): number {
  let depth = 0;
  scanOutsideQuotes(text, (ch) => {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    return false;
  });
  return depth;
}

function stripComment(text: string): string {
  const at = scanOutsideQuotes(text, (ch, i) => ch === '#' && (i === 0 || /\s/.test(text[i - 1]!)));
  return (at === -1 ? text : text.slice(0, at)).trimEnd();
}

function splitKey(text: string): [string, string] | null {
  const at = scanOutsideQuotes(text, (ch, i) => ch === ':' && (i + 1 === text.length || text[i + 1] === ' '));
  if (at === -1) return null;
  return [unquote(text.slice(0, at).trim()), text.slice(at + 1).trim()];
}

function unquote(text: string): string {
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) return JSON.parse(text) as string;
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'"))
    return text.slice(1, -1).replace(/''/g, "'");
  return text;
}

function parseScalar(text: string, line: Line): Yaml {
  if (text === '' || text === '~' || text === 'null') return null;
  if (/^[&*!|>]/.test(text)) throw new Error(`compose line ${line.number}: unsupported YAML "${text}"`);
  if (text === '{}') return {};
  if (text.startsWith('{')) throw new Error(`compose line ${line.number}: flow maps are not supported`);
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw new Error(`compose line ${line.number}: multi-line flow sequence`);
    const items: Yaml[] = [];
    let rest = text.slice(1, -1).trim();
    while (rest !== '') {
      const comma = scanOutsideQuotes(rest, (ch) => ch === ',');
      const item = (comma === -1 ? rest : rest.slice(0, comma)).trim();
      items.push(parseScalar(item, line));
      rest = comma === -1 ? '' : rest.slice(comma + 1).trim();
    }
    return items;
  }
  return unquote(text);
}

export function parseYamlSubset(source: string): Yaml {
  const lines: Line[] = [];
  let open: Line | null = null; // a flow sequence still missing its "]" (prettier wraps long ones)
  source.split(/\r?\n/).forEach((raw, index) => {
    if (/^\s*\t/.test(raw)) throw new Error(`compose line ${index + 1}: tab indentation`);
    const text = stripComment(raw);
    if (text.trim() === '' || text.trim() === '---') return;
    if (open) {
      open.text += (open.text.endsWith('[') ? '' : ' ') + text.trim();
    } else {
      open = { indent: text.length - text.trimStart().length, text: text.trim(), number: index + 1 };
      lines.push(open);
    }
    if (bracketDepth(open.text) <= 0) open = null;
  });
  if (open) throw new Error(`compose line ${(open as Line).number}: unterminated flow sequence`);
  let pos = 0;

  function block(indent: number): Yaml {
    const first = lines[pos]!;
    if (first.text.startsWith('[')) {
      pos++;
      return parseScalar(first.text, first);
    }
    return first.text === '-' || first.text.startsWith('- ') ? sequence(indent) : map(indent);
  }

  function childOf(parent: Line, allowSameIndentSequence: boolean): Yaml {
    const next = lines[pos];
    if (!next) return null;
    if (next.indent > parent.indent) return block(next.indent);
    if (allowSameIndentSequence && next.indent === parent.indent && next.text.startsWith('- ')) {
      return sequence(next.indent);
    }
    return null;
  }

  function map(indent: number): Yaml {
    const out: { [key: string]: Yaml } = {};
    while (pos < lines.length && lines[pos]!.indent === indent && !lines[pos]!.text.startsWith('- ')) {
      const line = lines[pos++]!;
      const kv = splitKey(line.text);
      if (!kv) throw new Error(`compose line ${line.number}: expected "key: value"`);
      const [key, value] = kv;
      if (key in out) throw new Error(`compose line ${line.number}: duplicate key "${key}"`);
      out[key] = value === '' ? childOf(line, true) : parseScalar(value, line);
    }
    if (pos < lines.length && lines[pos]!.indent > indent) {
      throw new Error(`compose line ${lines[pos]!.number}: unexpected indentation`);
    }
    return out;
  }

  function sequence(indent: number): Yaml {
    const out: Yaml[] = [];
    while (pos < lines.length && lines[pos]!.indent === indent && /^-( |$)/.test(lines[pos]!.text)) {
      const line = lines[pos]!;
      const item = line.text.slice(1).trim();
      if (item === '') {
        pos++;
        out.push(childOf(line, false));
      } else if (splitKey(item) && !/^["'[]/.test(item)) {
        // "- key: value" opens a map whose keys sit two columns right of the dash.
        lines[pos] = { indent: indent + 2, text: item, number: line.number };
        out.push(map(indent + 2));
      } else {
        pos++;
        out.push(parseScalar(item, line));
      }
    }
    return out;
  }

  const doc = lines.length ? block(lines[0]!.indent) : null;
  if (pos !== lines.length) throw new Error(`compose line ${lines[pos]!.number}: could not parse`);
  return doc;
}

export function asMap(value: Yaml | undefined, what: string): { [key: string]: Yaml } {
  if (value === null || value === undefined || typeof value === 'string' || Array.isArray(value)) {
    throw new Error(`${what} is not a mapping`);
  }
  return value;
}

/** A compose command/test in either list or string form, as one shell-like string. */
export function asCommand(value: Yaml | undefined): string {
  if (Array.isArray(value)) return value.map((v) => String(v)).join(' ');
  return typeof value === 'string' ? value : '';
}

/** Resolves compose interpolation the way `docker compose` does with no .env: ${VAR:-default}. */
export function interpolateDefaults(value: string): string {
  return value.replace(
    /\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}/g,
    (_all, _name: string, fallback?: string) => fallback ?? '',
  );
}

/** Names of the variables .env.example sets (uncommented NAME=value lines). */
export function envExampleNames(): Map<string, string> {
  const names = new Map<string, string>();
  for (const line of readRepoFile('.env.example').split(/\r?\n/)) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) names.set(m[1]!, m[2]!);
  }
  return names;
}

export interface ConfSection {
  name: string;
  templates: string[];
  isTemplate: boolean;
  entries: [string, string][];
}

/** Asterisk .conf reader: sections, `key=value` and `key => value`, `;` comments. */
export function parseAsteriskConf(source: string): ConfSection[] {
  const sections: ConfSection[] = [];
  for (const raw of source.split(/\r?\n/)) {
    const line = raw.replace(/(^|[^\\]);.*$/, '$1').trim();
    if (line === '') continue;
    const header = /^\[([^\]]+)\](?:\(([^)]*)\))?$/.exec(line);
    if (header) {
      const options = (header[2] ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean);
      sections.push({
        name: header[1]!,
        isTemplate: options.includes('!'),
        templates: options.filter((o) => o !== '!'),
        entries: [],
      });
      continue;
    }
    const kv = /^([^=]+?)\s*=>?\s*(.*)$/.exec(line);
    if (!kv || !sections.length) throw new Error(`unparsable Asterisk config line: ${raw}`);
    sections.at(-1)!.entries.push([kv[1]!.trim(), kv[2]!.trim()]);
  }
  return sections;
}

/** Value of `key` in a section, following its templates (pjsip.conf style). */
export function confValue(sections: ConfSection[], section: ConfSection, key: string): string | undefined {
  const own = section.entries.filter(([k]) => k === key).at(-1);
  if (own) return own[1];
  for (const template of [...section.templates].reverse()) {
    const parent = sections.find((s) => s.name === template && s.isTemplate);
    const inherited = parent && confValue(sections, parent, key);
    if (inherited !== undefined) return inherited;
  }
  return undefined;
}

export function confSection(sections: ConfSection[], name: string, type?: string): ConfSection {
  const found = sections.find((s) => s.name === name && (!type || confValue(sections, s, 'type') === type));
  if (!found) throw new Error(`no section [${name}]${type ? ` of type ${type}` : ''}`);
  return found;
}
