/**
 * Bytes as a learner should see them on the wire: CR and LF written out as \r and \n (they end every HTTP line),
 * printable text as text, and anything that is not valid UTF-8 as \xNN, so a GB2312 body shows its real bytes.
 */
const decoder = new TextDecoder('utf-8', { fatal: true });

function utf8Length(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

export function showBytes(bytes: Uint8Array): string {
  let out = '';
  let at = 0;
  while (at < bytes.length) {
    const byte = bytes[at] as number;
    if (byte === 0x0d) out += '\\r';
    else if (byte === 0x0a) out += '\\n\n';
    else if (byte === 0x09 || (byte >= 0x20 && byte < 0x7f)) out += String.fromCharCode(byte);
    else {
      const length = utf8Length(byte);
      const text = length > 0 && at + length <= bytes.length ? tryDecode(bytes.subarray(at, at + length)) : null;
      if (text !== null) {
        out += text;
        at += length;
        continue;
      }
      out += `\\x${byte.toString(16).padStart(2, '0')}`;
    }
    at += 1;
  }
  return out;
}

function tryDecode(bytes: Uint8Array): string | null {
  try {
    return decoder.decode(bytes);
  } catch (error) {
    if (error instanceof TypeError) return null;
    throw error;
  }
}

export function base64Bytes(data: string): Uint8Array<ArrayBuffer> {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
