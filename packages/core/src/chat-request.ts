import { z } from 'zod';

export const chatMessageSchema = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});

/** A chat request as clients submit it (OpenAI-style field names). */
export const chatRequestSchema = z.strictObject({
  messages: z.array(chatMessageSchema).min(1, 'at least one message is required'),
  max_tokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(2).optional(),
  /** Up to 4 sequences at which the model stops (OpenAI's limit); the sequence is not part of the answer. */
  stop: z.array(z.string().min(1)).max(4).optional(),
  /** Run on exactly this tier (skips classification, still escalates if the cascade allows). */
  force_tier: z.string().min(1).optional(),
  /** Never run above this tier (a budget cap). */
  max_tier: z.string().min(1).optional(),
  /** `false`: this request neither reads nor fills the response cache. */
  cache: z.boolean().optional(),
  response_format: z.strictObject({ type: z.enum(['text', 'json_object']) }).optional(),
  metadata: z.record(z.string(), z.string().max(512)).optional(),
});

export type ChatMessage = z.infer<typeof chatMessageSchema>;
export type ChatRequest = z.infer<typeof chatRequestSchema>;

/** The text the classifier and the quality gate look at: the last user message. */
export function promptOf(request: Pick<ChatRequest, 'messages'>): string {
  for (let index = request.messages.length - 1; index >= 0; index -= 1) {
    const message = request.messages[index];
    if (message?.role === 'user') return message.content;
  }
  return '';
}
