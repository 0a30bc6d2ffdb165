import { invalid } from './problems.js';

/**
 * The SHA-256 a client states for the body it sends, from RFC 9530's `Content-Digest` header
 * (`sha-256=:<base64>:`), as lowercase hex; undefined without the header or a sha-256 member
 * (other algorithms are ignored, as the RFC lets a recipient do). A malformed one is a 400.
 */
export function contentDigestSha256(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const member of header.split(',')) {
    const match = /^\s*([a-z0-9-]+)\s*=\s*(.*?)\s*$/i.exec(member);
    if (match?.[1]?.toLowerCase() !== 'sha-256') continue;
    const value = /^:([A-Za-z0-9+/]+={0,2}):$/.exec(match[2] ?? '')?.[1];
    const bytes = value === undefined ? undefined : Buffer.from(value, 'base64');
    if (bytes === undefined || bytes.length !== 32) {
      throw invalid(
        'content-digest',
        'sha-256 must be 32 bytes in base64 between colons, as in sha-256=:<base64>:',
      );
    }
    return bytes.toString('hex');
  }
  return undefined;
}
