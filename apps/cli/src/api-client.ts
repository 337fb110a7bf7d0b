import type { StatsBody } from './stats-report.ts';

/** A small client of the Switchyard HTTP API for the CLI. */
export interface BatchStatus {
  id: string;
  status: 'in_progress' | 'completed';
  total: number;
  counts: { queued: number; routed: number; running: number; completed: number; failed: number };
}

export interface ResultLine {
  id: string;
  custom_id: string | null;
  status: string;
  tier: string | null;
  routed_tier: string | null;
  route: string | null;
  model: string | null;
  escalations: number;
  answer: string | null;
  simulated: boolean | null;
  cost_usd: number;
  baseline_cost_usd: number;
  error: { code: string; message: string } | null;
}

export class ApiClient {
  readonly baseUrl: string;
  readonly #apiKey: string | undefined;

  /** `apiKey` goes out as `Authorization: Bearer`; the API refuses `/v1` calls without one when keys are set. */
  constructor(baseUrl: string, apiKey?: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.#apiKey = apiKey === '' ? undefined : apiKey;
  }

  async submitBatch(items: unknown[]): Promise<{ id: string; total: number }> {
    return this.json('POST', '/v1/batches', items) as Promise<{ id: string; total: number }>;
  }

  async batchStatus(id: string): Promise<BatchStatus> {
    return this.json('GET', `/v1/batches/${encodeURIComponent(id)}`) as Promise<BatchStatus>;
  }

  async results(id: string): Promise<ResultLine[]> {
    const response = await this.send('GET', `/v1/batches/${encodeURIComponent(id)}/results`);
    const text = await response.text();
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as ResultLine);
  }

  /** Ledger totals (`GET /v1/stats`); absent query fields take the API's defaults. */
  async stats(query: {
    from?: string | undefined;
    to?: string | undefined;
    groupBy?: string | undefined;
  }): Promise<StatsBody> {
    const search = new URLSearchParams();
    if (query.from !== undefined) search.set('from', query.from);
    if (query.to !== undefined) search.set('to', query.to);
    if (query.groupBy !== undefined) search.set('group_by', query.groupBy);
    return this.json('GET', `/v1/stats?${search.toString()}`) as Promise<StatsBody>;
  }

  /** Follows the batch's server-sent progress events until it completes. */
  async followBatch(id: string, onProgress: (status: BatchStatus) => void): Promise<BatchStatus> {
    const response = await this.send('GET', `/v1/batches/${encodeURIComponent(id)}/events`);
    if (response.body === null) throw new Error(`${this.baseUrl}: the progress stream has no body`);
    const decoder = new TextDecoder();
    let buffer = '';
    let last: BatchStatus | undefined;
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk, { stream: true });
      let boundary: number;
      while ((boundary = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === 'progress' && data !== undefined) {
          last = JSON.parse(data) as BatchStatus;
          onProgress(last);
        }
        if (event === 'done' && last !== undefined) return last;
      }
    }
    if (last === undefined) throw new Error('the progress stream ended without any event');
    return last;
  }

  private async json(method: string, path: string, body?: unknown): Promise<unknown> {
    return (await this.send(method, path, body)).json();
  }

  /** One call; a refused connection or an error status becomes an error that names the URL tried. */
  private async send(method: string, path: string, body?: unknown): Promise<Response> {
    const url = `${this.baseUrl}${path}`;
    const headers: Record<string, string> = {};
    if (this.#apiKey !== undefined) headers.authorization = `Bearer ${this.#apiKey}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch (error) {
      throw new Error(`cannot reach the Switchyard API at ${url}: ${reason(error)} (set --api URL)`);
    }
    if (response.ok) return response;
    const described = await describe(response);
    const hint = response.status === 401 ? ' (pass --api-key KEY or set SWITCHYARD_API_KEY)' : '';
    throw new Error(`${method} ${url}: ${described}${hint}`);
  }
}

/** `fetch failed` says nothing: the cause (ECONNREFUSED, ENOTFOUND, a bad URL) does. */
function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

async function describe(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string; code?: string } };
    if (parsed.error?.message) return `HTTP ${response.status} ${parsed.error.code ?? ''}: ${parsed.error.message}`;
  } catch {
    // not JSON: fall through to the raw text
  }
  return `HTTP ${response.status}: ${text.slice(0, 500)}`;
}
