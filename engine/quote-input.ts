/** Characters of input a message or reject reason quotes at most. */
export const QUOTE_MAX_CHARS = 200;

/**
 * Input text as a message repeats it: JSON-quoted (unless `quote` is false), cut to `max` characters with the
 * number left out said, so that an error about a 10 MB header is not 10 MB long. Every message and reject reason
 * that repeats input goes through here.
 * @example quoteInput('a'.repeat(1000), { max: 5 }) // '"aaaaa"… (995 more characters)'
 */
export function quoteInput(text: string, { max = QUOTE_MAX_CHARS, quote = true }: { max?: number; quote?: boolean } = {}): string {
  const cut = text.length > max ? text.slice(0, max) : text;
  const shown = quote ? JSON.stringify(cut) : cut;
  return text.length > max ? `${shown}… (${text.length - max} more characters)` : shown;
}
