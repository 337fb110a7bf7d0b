#!/usr/bin/env node
// Runs the TypeScript entry point from a checkout without a build step. Node 22.18+/23.6+ strips
// the types itself (the code uses only erasable syntax: `erasableSyntaxOnly` in tsconfig), which
// saves tsx's transpiler in every process; older Node goes through tsx.
if (process.features.typescript !== 'strip' && process.features.typescript !== 'transform') {
  const { register } = await import('tsx/esm/api');
  register();
}
await import('../src/main.ts');
