// Which kind of file an upload is, judged from its first bytes rather than its name or MIME type,
// because clerks rename files and browsers guess MIME types.

export type FileFormat = 'XLSX' | 'CSV';
export type TextEncoding = 'utf8' | 'gb18030';

/** XLSX is a zip archive: local file header "PK\x03\x04". Anything else is read as CSV. */
export function detectFileFormat(head: Uint8Array): FileFormat {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04 ? 'XLSX' : 'CSV';
}

/**
 * UTF-8 (with or without BOM) when the first chunk is strictly valid UTF-8, else GB18030 (a superset
 * of GBK, what Chinese office software writes). A multi-byte character cut at the chunk's end is not
 * an error: the streaming decoder keeps it for later.
 */
export function detectTextEncoding(head: Uint8Array): TextEncoding {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf8';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return 'utf8';
  } catch {
    return 'gb18030';
  }
}
