/** A part of a form: a plain field, or a file with its name. */
export type FormPart = string | { content: string | Buffer; filename: string };

/**
 * A `multipart/form-data` body as fetch (and so the OpenAI client) sends it, for `app.inject`:
 * built by a real FormData, so boundaries and headers are what a client writes.
 */
export async function multipartBody(
  fields: Record<string, FormPart>,
): Promise<{ payload: Buffer; contentType: string }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string') form.append(name, value);
    else form.append(name, new Blob([value.content]), value.filename);
  }
  const request = new Request('http://127.0.0.1/', { method: 'POST', body: form });
  return { payload: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get('content-type') ?? '' };
}
