/**
 * What a document key may be. Part of the contract: the service rejects other keys with 400, and the
 * infrastructure refuses to seed a content file whose name is not a key, so the two can never disagree.
 */

/** The longest key, in characters. S3 keys may be 1,024 bytes; the prefix and ".json" need room too. */
export const MAX_KEY_LENGTH = 128;

/** Letters, digits, '-', '_', '.'; not starting with '.'. No '/', so a key can never leave its prefix. */
export const KEY_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** Why `key` is not a valid document key, or undefined when it is. */
export function keyProblem(key: string): string | undefined {
  if (key.length === 0) return "is empty";
  if (key.length > MAX_KEY_LENGTH)
    return `is ${key.length} characters long; at most ${MAX_KEY_LENGTH} are allowed`;
  if (key.startsWith(".")) return "starts with '.'";
  if (!KEY_PATTERN.test(key)) return "has characters other than letters, digits, '-', '_' and '.'";
  return undefined;
}
