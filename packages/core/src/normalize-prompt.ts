/**
 * Whitespace runs are one space and the ends are trimmed: "Hi  there\n" and "Hi there" ask the
 * same. The one rule for "the same prompt": the response cache, the llm strategy's verdict cache
 * and the RouteLLM readers (whose upstream exports differ in trailing newlines and double spaces)
 * all key on it.
 */
export function normalizePrompt(prompt: string): string {
  return prompt.replace(/\s+/g, ' ').trim();
}
