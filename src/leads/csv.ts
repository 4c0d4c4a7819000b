import { createReadStream } from 'node:fs';
import { TextDecoder } from 'node:util';

/**
 * A streaming RFC 4180 reader: quoted fields with doubled quotes and embedded line breaks, CRLF,
 * LF or bare CR line ends, a UTF-8 byte order mark. Memory stays bounded by the largest record.
 * A badly quoted row becomes a record with `error` (and the reader goes on at the next line); a
 * file that is not text in the expected encoding stops everything with a CsvFileError.
 */

export const Encodings = ['utf-8', 'windows-1258', 'windows-1256'] as const;
export type Encoding = (typeof Encodings)[number];

/** A field longer than this is almost always a stray quote swallowing the rest of the file. */
export const DefaultMaxFieldChars = 100_000;

export interface CsvRecord {
  /** File line (1-based) where the record starts. */
  line: number;
  fields: string[];
  /** Set when the row is malformed; `fields` then holds what could be read. */
  error?: string;
  /** The row as read, for error reports (cut). */
  raw?: string;
}

/** The file as a whole cannot be read: wrong encoding, not a CSV at all. Nothing should be imported. */
export class CsvFileError extends Error {
  override readonly name = 'CsvFileError';
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

export interface CsvOptions {
  delimiter?: string;
  encoding?: Encoding;
  maxFieldChars?: number;
}

const enum S {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
  SkipLine,
  AfterCr,
}

/** Refuses files that are plainly not CSV text, naming what they are. */
export function sniffBinary(head: Buffer): string | undefined {
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04)
    return 'the file is a ZIP archive (an Excel .xlsx workbook?), not CSV text: save it as "CSV UTF-8"';
  if (head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0)
    return 'the file is an old Excel .xls workbook, not CSV text: save it as "CSV UTF-8"';
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))
    return 'the file is UTF-16 text: save it as "CSV UTF-8"';
  if (head.subarray(0, 4096).includes(0)) return 'the file holds NUL bytes: it is not CSV text';
  return undefined;
}

/** Offset of the first byte that is not valid UTF-8 in `buf` (-1 if none; a cut-off last character is fine). */
export function firstInvalidUtf8(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= buf.length) return -1;
      const c = buf[i + k]!;
      if (k === 1 ? c < lo || c > hi : (c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** Counts line breaks (CRLF, LF or a bare CR) in pieces of one text, a CRLF split across pieces counting once. */
class LineCounter {
  private prevCr = false;
  count(text: string, from: number, to: number): number {
    let n = 0;
    let prevCr = this.prevCr;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c === 13) n++;
      else if (c === 10 && !prevCr) n++;
      prevCr = c === 13;
    }
    this.prevCr = prevCr;
    return n;
  }
  /** Something other than line breaks came between two pieces. */
  reset(): void {
    this.prevCr = false;
  }
}

/** Decodes chunks of bytes, failing on invalid input with the line where it happens. */
export class Decoder {
  private readonly decoder: TextDecoder;
  private readonly counter = new LineCounter();
  private lines = 1;
  private started = false;

  constructor(private readonly encoding: Encoding = 'utf-8') {
    this.decoder = new TextDecoder(encoding, { fatal: true });
  }

  decode(chunk: Buffer | undefined): string {
    if (!this.started && chunk) {
      this.started = true;
      const binary = sniffBinary(chunk);
      if (binary) throw new CsvFileError(binary, 1);
    }
    try {
      const text = chunk ? this.decoder.decode(chunk, { stream: true }) : this.decoder.decode();
      this.lines += this.counter.count(text, 0, text.length);
      return text;
    } catch {
      const at = chunk ? Math.max(0, firstInvalidUtf8(chunk)) : 0;
      let line = this.lines;
      if (chunk) for (let i = 0; i < at; i++) if (chunk[i] === 10) line++;
      throw new CsvFileError(
        this.encoding === 'utf-8'
          ? `the file is not valid UTF-8 (line ${line}): save it as "CSV UTF-8", or import it with encoding windows-1258 (Vietnamese) or windows-1256 (Persian/Arabic) if that is what it is`
          : `the file is not valid ${this.encoding} (line ${line})`,
        line,
      );
    }
  }
}

/** The incremental parser; feed decoded text, then `end()`. */
export class CsvParser {
  private state = S.FieldStart;
  private field = '';
  private fields: string[] = [];
  private line = 1;
  private recordLine = 1;
  private error: string | undefined;
  private skipped = '';
  private readonly delim: string;
  private readonly maxField: number;
  private out: CsvRecord[] = [];
  private readonly quoted = new LineCounter();

  constructor(options: CsvOptions = {}) {
    this.delim = options.delimiter ?? ',';
    if (this.delim.length !== 1 || this.delim === '"' || this.delim === '\n' || this.delim === '\r')
      throw new TypeError(`bad CSV delimiter ${JSON.stringify(this.delim)}`);
    this.maxField = options.maxFieldChars ?? DefaultMaxFieldChars;
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
  }

  private endRecord(): void {
    const blank = this.fields.length === 1 && this.fields[0] === '' && !this.error;
    if (!blank) {
      const record: CsvRecord = { line: this.recordLine, fields: this.fields };
      if (this.error) {
        record.error = this.error;
        record.raw = (this.fields.join(this.delim) + this.skipped).slice(0, 1000);
      }
      this.out.push(record);
    }
    this.fields = [];
    this.field = '';
    this.error = undefined;
    this.skipped = '';
    this.recordLine = this.line;
  }

  private fail(reason: string): void {
    this.error = `line ${this.line}: ${reason}`;
    this.endField();
    this.state = S.SkipLine;
  }

  /** Parses a piece of text; returns the records completed by it. */
  push(text: string): CsvRecord[] {
    const d = this.delim;
    const n = text.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case S.AfterCr:
          if (text[i] === '\n') i++;
          this.state = S.FieldStart;
          break;
        case S.FieldStart:
          if (text[i] === '"') {
            this.state = S.Quoted;
            i++;
          } else this.state = S.Unquoted;
          break;
        case S.Unquoted: {
          let j = i;
          while (j < n) {
            const c = text[j];
            if (c === d || c === '\n' || c === '\r' || c === '"') break;
            j++;
          }
          this.field += text.slice(i, j);
          i = j;
          if (j === n) break;
          const c = text[j];
          i++;
          if (c === d) {
            this.endField();
            this.state = S.FieldStart;
          } else if (c === '"') {
            this.fail(
              'a quote inside an unquoted field (quote the whole field and double the quote: "say ""hi""")',
            );
          } else {
            this.endField();
            this.line++;
            this.endRecord();
            this.state = c === '\r' ? S.AfterCr : S.FieldStart;
          }
          break;
        }
        case S.Quoted: {
          const j = text.indexOf('"', i);
          const end = j < 0 ? n : j;
          this.line += this.quoted.count(text, i, end);
          if (j >= 0) this.quoted.reset();
          this.field += text.slice(i, end);
          i = j < 0 ? n : j + 1;
          if (j >= 0) this.state = S.QuoteInQuoted;
          if (this.field.length > this.maxField) {
            this.fail(
              `a quoted field opened on line ${this.recordLine} runs past ${this.maxField} characters (a quote never closed?); rows up to line ${this.line} are skipped`,
            );
            this.field = '';
          }
          break;
        }
        case S.QuoteInQuoted: {
          const c = text[i];
          if (c === '"') {
            this.field += '"';
            this.state = S.Quoted;
            i++;
          } else if (c === d) {
            this.endField();
            this.state = S.FieldStart;
            i++;
          } else if (c === '\n' || c === '\r') {
            this.endField();
            this.line++;
            this.endRecord();
            this.state = c === '\r' ? S.AfterCr : S.FieldStart;
            i++;
          } else {
            this.fail(`text after a closing quote (${JSON.stringify(text.slice(i, i + 10))})`);
          }
          break;
        }
        case S.SkipLine: {
          let j = i;
          while (j < n && text[j] !== '\n' && text[j] !== '\r') j++;
          if (this.skipped.length < 1000) this.skipped += text.slice(i, Math.min(j, i + 1000));
          if (j === n) {
            i = n;
            break;
          }
          const c = text[j];
          i = j + 1;
          this.line++;
          this.endRecord();
          this.state = c === '\r' ? S.AfterCr : S.FieldStart;
          break;
        }
      }
    }
    const out = this.out;
    this.out = [];
    return out;
  }

  /** The last record (a file need not end with a line break) or the unclosed-quote error. */
  end(): CsvRecord[] {
    if (this.state === S.Quoted) {
      this.error = `a quoted field opened on line ${this.recordLine} is never closed (the file ends inside it)`;
      this.endField();
      this.endRecord();
    } else if (this.state === S.SkipLine) {
      this.endRecord();
    } else if (this.state !== S.FieldStart && this.state !== S.AfterCr) {
      this.endField();
      this.endRecord();
    } else if (this.fields.length) {
      // "a,b," at the very end: the empty last field.
      this.endField();
      this.endRecord();
    }
    const out = this.out;
    this.out = [];
    return out;
  }
}

/** Reads a CSV file as batches of records (one batch per chunk read), streaming. */
export async function* readCsvFile(
  path: string,
  options: CsvOptions & { highWaterMark?: number } = {},
): AsyncGenerator<CsvRecord[]> {
  const decoder = new Decoder(options.encoding);
  const parser = new CsvParser(options);
  const stream = createReadStream(path, { highWaterMark: options.highWaterMark ?? 256 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const records = parser.push(decoder.decode(chunk));
      if (records.length) yield records;
    }
    const tail = [...parser.push(decoder.decode(undefined)), ...parser.end()];
    if (tail.length) yield tail;
  } finally {
    stream.destroy();
  }
}

export interface FileScan {
  /** Header fields (first record), trimmed. */
  header: string[];
  delimiter: string;
  /** Line breaks in the file: an upper bound of its rows, for progress. */
  lines: number;
  bytes: number;
}

/**
 * A first pass over the whole file before anything is imported: it is text in the expected
 * encoding (else CsvFileError naming the line) and its first line is the header. Reads the file
 * in chunks, never whole.
 */
export async function scanCsvFile(
  path: string,
  options: { encoding?: Encoding; delimiter?: string } = {},
): Promise<FileScan> {
  const decoder = new Decoder(options.encoding);
  let firstLine = '';
  let haveFirst = false;
  let lines = 0;
  let bytes = 0;
  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      const text = decoder.decode(chunk);
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
      if (!haveFirst) {
        firstLine += text;
        const end = firstLine.search(/\r|\n/);
        if (end >= 0) {
          firstLine = firstLine.slice(0, end);
          haveFirst = true;
        } else if (firstLine.length > 1_000_000)
          throw new CsvFileError('the first line is over 1 MB: not a CSV header', 1);
      }
    }
    decoder.decode(undefined);
  } finally {
    stream.destroy();
  }
  if (!firstLine.trim()) throw new CsvFileError('the file is empty (no header line)', 1);
  const delimiter =
    options.delimiter && options.delimiter !== 'auto' ? options.delimiter : detectDelimiter(firstLine);
  const parser = new CsvParser({ delimiter });
  const [head] = [...parser.push(firstLine), ...parser.end()];
  if (!head || head.error)
    throw new CsvFileError(`the header line cannot be read: ${head?.error ?? 'empty'}`, 1);
  return { header: head.fields.map((f) => f.trim()), delimiter, lines: lines + 1, bytes };
}

/** Comma unless the header line has none and has semicolons (European Excel) or tabs. */
export function detectDelimiter(headerLine: string): string {
  const count = (c: string) => headerLine.split(c).length - 1;
  const candidates = [',', ';', '\t', '|'].map((c) => [c, count(c)] as const);
  const best = candidates.reduce((a, b) => (b[1] > a[1] ? b : a));
  return best[1] > 0 ? best[0] : ',';
}

/** The header of a file (its first line), reading no further than needed. */
export async function readHeader(
  path: string,
  encoding: Encoding = 'utf-8',
  delimiter?: string,
): Promise<string[]> {
  const decoder = new Decoder(encoding);
  let text = '';
  const stream = createReadStream(path, { highWaterMark: 64 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      text += decoder.decode(chunk);
      if (/\r|\n/.test(text) || text.length > 1_000_000) break;
    }
  } finally {
    stream.destroy();
  }
  const end = text.search(/\r|\n/);
  const line = end >= 0 ? text.slice(0, end) : text;
  const parser = new CsvParser({
    delimiter: delimiter && delimiter !== 'auto' ? delimiter : detectDelimiter(line),
  });
  const [head] = [...parser.push(line), ...parser.end()];
  if (!head || head.error)
    throw new CsvFileError(`the header line cannot be read: ${head?.error ?? 'empty'}`, 1);
  return head.fields.map((f) => f.trim());
}
