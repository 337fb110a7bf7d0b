import multipart from '@fastify/multipart';
import { newFileId } from '@switchyard/core';
import type { StoredFile } from '@switchyard/queue';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { ApiError } from '../api-errors.ts';
import type { ApiContext } from '../api-context.ts';
import { mayRead, type Principal } from '../auth/index.ts';
import { fileObject } from './file-object.ts';
import { generatedBatchFile } from './openai-batch-output.ts';

/** The purposes `POST /v1/files` takes: batch input files only. */
const acceptedPurposes = new Set(['batch']);
const maxFilenameChars = 512;

/** An uploaded file the principal may read, or a 404 as if it did not exist. */
export async function readableFile(context: ApiContext, id: string, principal: Principal): Promise<StoredFile> {
  const file = await context.files.get(id);
  if (file === undefined || !mayRead(principal, file.keyId))
    throw new ApiError('not_found', `no file with id "${id}"`, 'file_id');
  return file;
}

/** The parts of an upload: the file's bytes and name, and the `purpose` field. */
async function readUpload(request: FastifyRequest, maxBytes: number) {
  let content: Buffer | undefined;
  let filename = '';
  let purpose: string | undefined;
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        // Read to the end even when it is not ours: the rest of the form comes after it.
        const bytes = await part.toBuffer();
        if (part.fieldname !== 'file') throw new ApiError('invalid_body', `${part.fieldname}: unexpected file`, 'file');
        content = bytes;
        filename = part.filename;
      } else if (part.fieldname === 'purpose') {
        purpose = String(part.value);
      }
    }
  } catch (error) {
    if ((error as { code?: unknown }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new ApiError(
        'file_too_large',
        `the file is larger than the limit of ${maxBytes} bytes (api.filesMaxBytes); nothing was stored`,
        'file',
      );
    }
    if ((error as { code?: unknown }).code === 'FST_FILES_LIMIT')
      throw new ApiError('invalid_body', 'file: one file per upload', 'file');
    throw error;
  }
  return { content, filename, purpose };
}

/** `POST /v1/files`, `GET /v1/files/:id` and `GET /v1/files/:id/content`, in OpenAI's shapes. */
export async function registerFileRoutes(app: FastifyInstance, context: ApiContext): Promise<void> {
  const { filesMaxBytes, filesTtlSeconds } = context.config.api;
  // The file is read into memory (it goes to Redis whole): `fileSize` bounds that memory.
  await app.register(multipart, { limits: { fileSize: filesMaxBytes, files: 1, fields: 20, fieldSize: 65_536 } });

  app.post('/v1/files', async (request, reply) => {
    if (!request.isMultipart()) {
      throw new ApiError(
        'unsupported_media_type',
        `content type "${request.headers['content-type'] ?? '(none)'}" is not supported here; ` +
          'send multipart/form-data with "file" and "purpose"',
      );
    }
    const { content, filename, purpose } = await readUpload(request, filesMaxBytes);
    if (purpose === undefined) throw new ApiError('invalid_body', 'purpose: required, "batch"', 'purpose');
    if (!acceptedPurposes.has(purpose))
      throw new ApiError('invalid_body', `purpose: "${purpose}" is not supported; only "batch" is`, 'purpose');
    if (content === undefined) throw new ApiError('invalid_body', 'file: required, the file to upload', 'file');
    if (content.length === 0) throw new ApiError('invalid_body', 'file: the file is empty', 'file');
    if (filename.length > maxFilenameChars)
      throw new ApiError('invalid_body', `file: the file name is over ${maxFilenameChars} characters`, 'file');
    const stored = await context.files.create(
      {
        id: newFileId(),
        keyId: request.principal.keyId,
        filename,
        purpose,
        bytes: content.length,
        createdAtMs: Date.now(),
      },
      content,
      filesTtlSeconds,
    );
    return reply.send(fileObject(stored));
  });

  app.get<{ Params: { id: string } }>('/v1/files/:id', async (request, reply) => {
    const { id } = request.params;
    const generated = await generatedBatchFile(context, id, request.principal);
    if (generated !== undefined) return reply.send(await generated.describe());
    return reply.send(fileObject(await readableFile(context, id, request.principal)));
  });

  app.get<{ Params: { id: string } }>('/v1/files/:id/content', async (request, reply) => {
    const { id } = request.params;
    const generated = await generatedBatchFile(context, id, request.principal);
    if (generated !== undefined) return reply.type('application/jsonl').send(Readable.from(generated.lines()));
    const file = await readableFile(context, id, request.principal);
    const content = await context.files.content(file.id);
    if (content === undefined) throw new ApiError('not_found', `no file with id "${id}"`, 'file_id');
    return reply
      .type('application/octet-stream')
      .header('content-disposition', `attachment; filename="${encodeURIComponent(file.filename)}"`)
      .send(content);
  });
}
