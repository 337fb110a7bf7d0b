// An OpenAI-compatible upstream that answers at once (JSON, or SSE when the body asks for a
// stream), so the sync-path bench measures what sits in front of it. Started by `sync-path.ts`;
// prints its address and serves until SIGTERM.
import { createServer } from 'node:http';

const answer =
  'The capital of France is Paris. It has been the seat of the French government for most of the ' +
  'country’s history and is its largest city, on the Seine in the north of the country.';
const words = answer.split(' ');
const usage = { prompt_tokens: 12, completion_tokens: words.length, total_tokens: 12 + words.length };

const server = createServer((request, response) => {
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk: string) => (body += chunk));
  request.on('end', () => {
    const parsed = JSON.parse(body === '' ? '{}' : body) as { model?: string; stream?: boolean };
    const base = { id: 'chatcmpl-bench', created: Math.floor(Date.now() / 1_000), model: parsed.model ?? 'bench' };
    if (parsed.stream !== true) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          ...base,
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
          usage,
        }),
      );
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const chunk = (delta: object, finish: string | null, extra: object = {}) => {
      const choices = [{ index: 0, delta, finish_reason: finish }];
      return `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices, ...extra })}\n\n`;
    };
    let text = chunk({ role: 'assistant', content: '' }, null);
    words.forEach((word, index) => {
      text += chunk({ content: index === 0 ? word : ` ${word}` }, null);
    });
    text += chunk({}, 'stop', { usage });
    response.end(`${text}data: [DONE]\n\n`);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (typeof address === 'object' && address !== null) {
    process.stdout.write(`upstream listening on http://127.0.0.1:${address.port}\n`);
  }
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
