import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import {
  CsvFileError,
  CsvParser,
  Decoder,
  readCsvFile,
  scanCsvFile,
  type CsvRecord,
} from '../../src/leads/csv.js';
import { detectDelimiter } from '../../src/leads/csv.js';

/** Parses text fed in pieces of `step` characters, as a stream would deliver it. */
function parse(text: string, step = text.length || 1, delimiter = ','): CsvRecord[] {
  const p = new CsvParser({ delimiter });
  const out: CsvRecord[] = [];
  for (let i = 0; i < text.length; i += step) out.push(...p.push(text.slice(i, i + step)));
  return [...out, ...p.end()];
}

describe('leads: streaming CSV reader', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tongdai-csv-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('reads plain rows with LF, CRLF, bare CR and no final line break, at any chunking', () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const text = ['phone,name', '0912345678,An', '0987654321,Bình'].join(eol);
      for (const step of [1, 2, 3, 7, 1000]) {
        const rows = parse(text, step);
        expect(rows.map((r) => [r.line, r.fields])).to.deep.equal([
          [1, ['phone', 'name']],
          [2, ['0912345678', 'An']],
          [3, ['0987654321', 'Bình']],
        ]);
      }
    }
  });

  it('reads quoted fields with delimiters, doubled quotes and embedded line breaks, keeping line numbers', () => {
    const text =
      'phone,note\r\n"0912345678","Hà Nội, ""VIP""\r\ncall after 5pm"\r\n0987654321,"a\nb\nc"\r\n0911111111,ok\r\n';
    for (const step of [1, 4, 1000]) {
      const rows = parse(text, step);
      expect(rows.map((r) => [r.line, r.fields, r.error])).to.deep.equal([
        [1, ['phone', 'note'], undefined],
        [2, ['0912345678', 'Hà Nội, "VIP"\r\ncall after 5pm'], undefined],
        [4, ['0987654321', 'a\nb\nc'], undefined],
        [7, ['0911111111', 'ok'], undefined],
      ]);
    }
  });

  it('keeps empty fields and skips blank lines', () => {
    expect(parse('a,,c\n\n,,\n"",x,\n').map((r) => [r.line, r.fields])).to.deep.equal([
      [1, ['a', '', 'c']],
      [3, ['', '', '']],
      [4, ['', 'x', '']],
    ]);
  });

  it('reports bad quoting with the line and goes on with the next row', () => {
    const text =
      'phone,name\n0912345678,An "Bo" Nguyen\n"0912345679"x,Bình\n0912345680,Chi\n"0912345681,never closed\n0912345682,Dung\n';
    const rows = parse(text, 5);
    expect(rows[1]).to.include({ line: 2 });
    expect(rows[1]!.error).to.match(/^line 2: a quote inside an unquoted field/);
    expect(rows[2]!.error).to.match(/^line 3: text after a closing quote/);
    expect(rows[2]!.raw).to.contain('Bình');
    expect(rows[3]).to.deep.equal({ line: 4, fields: ['0912345680', 'Chi'] });
    // The unclosed quote swallows the rest of the file, and says where it opened.
    expect(rows[4]!.line).to.equal(5);
    expect(rows[4]!.error).to.match(/opened on line 5 is never closed/);
  });

  it('gives up on a quoted field that runs past the size limit', () => {
    const p = new CsvParser({ maxFieldChars: 50 });
    const rows = [...p.push(`a\n"${'x'.repeat(60)}\nb\n`), ...p.end()];
    expect(rows[1]!.error).to.match(/runs past 50 characters/);
  });

  it('detects the delimiter of European and tab-separated exports', () => {
    expect(detectDelimiter('phone;name;city')).to.equal(';');
    expect(detectDelimiter('phone\tname')).to.equal('\t');
    expect(detectDelimiter('phone,name;x')).to.equal(',');
    expect(detectDelimiter('phone')).to.equal(',');
    expect(parse('a;b\n"1;2";3\n', 3, ';').map((r) => r.fields)).to.deep.equal([
      ['a', 'b'],
      ['1;2', '3'],
    ]);
  });

  it('strips a UTF-8 byte order mark and decodes characters split across chunks', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('phone,tên\n0912345678,Nguyễn Thị Ánh\n'),
    ]);
    const d = new Decoder();
    let text = '';
    for (let i = 0; i < bytes.length; i++) text += d.decode(bytes.subarray(i, i + 1));
    text += d.decode(undefined);
    expect(parse(text).map((r) => r.fields)).to.deep.equal([
      ['phone', 'tên'],
      ['0912345678', 'Nguyễn Thị Ánh'],
    ]);
  });

  it('refuses invalid UTF-8 naming the line, and reads windows-1258 / windows-1256 when told', async () => {
    // "Nguyễn" in windows-1258 is not UTF-8.
    const cp1258 = Buffer.concat([
      Buffer.from('phone,name\n0912345678,An\n0912345679,Nguy'),
      Buffer.from([0xea, 0xde, 0x6e]),
      Buffer.from('\n'),
    ]);
    const file = path.join(dir, 'cp1258.csv');
    await writeFile(file, cp1258);
    try {
      await scanCsvFile(file);
      expect.fail('should refuse');
    } catch (err) {
      expect(err).to.be.instanceOf(CsvFileError);
      expect((err as CsvFileError).message).to.match(/not valid UTF-8 \(line 3\).*windows-1258/);
      expect((err as CsvFileError).line).to.equal(3);
    }
    const rows: CsvRecord[] = [];
    for await (const batch of readCsvFile(file, { encoding: 'windows-1258' })) rows.push(...batch);
    expect(rows[2]!.fields[1]!.normalize('NFC')).to.equal('Nguyễn');

    const fa = path.join(dir, 'cp1256.csv');
    await writeFile(
      fa,
      Buffer.concat([
        Buffer.from('phone,name\n09123456789,'),
        Buffer.from([0xe3, 0xcd, 0xe3, 0xcf]),
        Buffer.from('\n'),
      ]),
    );
    const faRows: CsvRecord[] = [];
    for await (const batch of readCsvFile(fa, { encoding: 'windows-1256' })) faRows.push(...batch);
    expect(faRows[1]!.fields[1]).to.equal('محمد');
  });

  it('refuses spreadsheets and UTF-16 with a clear message', async () => {
    const cases: Array<[Buffer, RegExp]> = [
      [Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), /ZIP archive \(an Excel \.xlsx/],
      [Buffer.from([0xff, 0xfe, 0x70, 0x00]), /UTF-16/],
      [Buffer.from([0x61, 0x00, 0x62]), /NUL bytes/],
    ];
    for (const [bytes, message] of cases) {
      const file = path.join(dir, 'binary.csv');
      await writeFile(file, bytes);
      let error: unknown;
      await scanCsvFile(file).catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(CsvFileError);
      expect((error as Error).message).to.match(message);
    }
  });

  it('scans a file: header, delimiter, line count', async () => {
    const file = path.join(dir, 'scan.csv');
    await writeFile(file, '\ufeffPhone Number;First Name\r\n0912345678;An\r\n0912345679;"B\r\nC"\r\n');
    expect(await scanCsvFile(file)).to.deep.include({
      header: ['Phone Number', 'First Name'],
      delimiter: ';',
      lines: 5,
    });
  });
});
