/**
 * The part of a prompt the pattern strategies read: all of it up to 24,000 characters, otherwise
 * the first 16,000 and the last 8,000. A huge prompt is usually a pasted document with the actual
 * question at the start or the end; reading a bounded window keeps a 1 MB prompt as cheap as a
 * 24 KB one instead of scanning every byte with every pattern.
 */
const headChars = 16_000;
const tailChars = 8_000;

export function boundedText(prompt: string): string {
  if (prompt.length <= headChars + tailChars) return prompt;
  return `${prompt.slice(0, headChars)}\n${prompt.slice(prompt.length - tailChars)}`;
}
