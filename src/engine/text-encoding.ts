/**
 * The text of a document by its byte-order mark (DESIGN §6): UTF-8 with or without a BOM, UTF-16 LE or
 * BE with one — AD FS and IIS can serve metadata as UTF-16, and Windows PowerShell 5.1 writes files
 * (`… | ConvertTo-Json > trust.json`) as UTF-16 LE with a BOM. Without a BOM: UTF-8. Never throws:
 * invalid sequences become U+FFFD, which the parsers then refuse as they would any bad text.
 */
export function decodeDocument(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return new TextDecoder('utf-8').decode(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return new TextDecoder('utf-8').decode(bytes);
}
