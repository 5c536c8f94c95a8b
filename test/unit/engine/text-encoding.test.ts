import { decodeDocument } from '../../../src/engine/text-encoding';

describe('a document decoded by its byte-order mark (DESIGN §6)', () => {
  const text = '<EntityDescriptor entityID="https://fs.contoso.com/é"/>';

  it('reads UTF-8 with and without a BOM, UTF-16 LE and BE with one', () => {
    const utf8 = Buffer.from(text, 'utf8');
    const le = Buffer.from(text, 'utf16le');
    const be = Buffer.from(le);
    be.swap16();
    expect(decodeDocument(utf8)).toBe(text);
    expect(decodeDocument(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]))).toBe(text);
    expect(decodeDocument(Buffer.concat([Buffer.from([0xff, 0xfe]), le]))).toBe(text);
    expect(decodeDocument(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toBe(text);
  });

  it('never throws on bytes that are not text', () => {
    expect(decodeDocument(Buffer.from([0xff, 0xfe, 0x00]))).toBe('\ufffd');
    expect(decodeDocument(Buffer.from([0xc3]))).toBe('\ufffd');
    expect(decodeDocument(new Uint8Array())).toBe('');
  });
});
