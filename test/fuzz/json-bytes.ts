// JSON string literals built from raw bytes: bytes >= 0x80 pass through unchanged, so invalid UTF-8 reaches the
// server's message decoder exactly as a broken file would; WTF-8 lone surrogates may become \udXXX escapes instead.

/** Encode `bytes` as the body of a JSON string literal (with the quotes). */
export function jsonStringFromBytes(bytes: Buffer, escapeSurrogates: boolean): Buffer {
  const parts: Buffer[] = [Buffer.from('"')];
  let start = 0;
  const flush = (end: number) => {
    if (end > start) parts.push(bytes.subarray(start, end));
  };
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    let esc: string | undefined;
    if (c === 0x22) esc = '\\"';
    else if (c === 0x5c) esc = '\\\\';
    else if (c < 0x20 || c === 0x7f) esc = '\\u' + c.toString(16).padStart(4, '0');
    else if (escapeSurrogates && c === 0xed && i + 2 < bytes.length && (bytes[i + 1] & 0xe0) === 0xa0 && (bytes[i + 2] & 0xc0) === 0x80) {
      const cp = ((c & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f);
      flush(i);
      parts.push(Buffer.from('\\u' + cp.toString(16)));
      i += 2;
      start = i + 1;
      continue;
    }
    if (esc !== undefined) {
      flush(i);
      parts.push(Buffer.from(esc));
      start = i + 1;
    }
  }
  flush(bytes.length);
  parts.push(Buffer.from('"'));
  return Buffer.concat(parts);
}

/** The JSON text of `value`, with the one string equal to `placeholder` replaced by `raw` (already encoded). */
export function jsonWithRaw(value: unknown, placeholder: string, raw: Buffer): Buffer {
  const text = JSON.stringify(value);
  const marker = JSON.stringify(placeholder);
  const at = text.indexOf(marker);
  if (at < 0 || text.indexOf(marker, at + 1) >= 0) throw new Error('placeholder must occur exactly once');
  return Buffer.concat([Buffer.from(text.slice(0, at)), raw, Buffer.from(text.slice(at + marker.length))]);
}
