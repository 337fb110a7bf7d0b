import { fileURLToPath } from 'node:url';

/**
 * Test helper (not exported): the shared RouteLLM files, `../shared/data/routellm` from the
 * repository root, resolved from this file so tests work from any working directory. They are
 * never copied into the repository; loadRouteLlm fails naming this path when they are missing.
 */
export const routeLlmDirectory = fileURLToPath(new URL('../../../../../shared/data/routellm', import.meta.url));
