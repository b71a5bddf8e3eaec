const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Strict standard base64 (Go's StdEncoding, which cosign uses). Buffer.from(x, 'base64') silently
 * skips invalid characters, which would let two different annotation strings decode to the same
 * bytes; untrusted input gets the strict check.
 */
export function decodeBase64Strict(value: string, what: string): Buffer {
  const trimmed = value.trim();
  if (trimmed === '' || !BASE64.test(trimmed)) throw new Error(`${what} is not valid base64`);
  return Buffer.from(trimmed, 'base64');
}
