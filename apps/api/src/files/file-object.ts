/** Epoch milliseconds as the unix seconds OpenAI's objects carry. */
export const unixSeconds = (ms: number): number => Math.floor(ms / 1_000);

export interface FileFacts {
  id: string;
  bytes: number;
  createdAtMs: number;
  expiresAtMs: number;
  filename: string;
  purpose: string;
}

/** OpenAI's file object. Files are whole once stored: `status` is always `processed`. */
export function fileObject(file: FileFacts) {
  return {
    id: file.id,
    object: 'file' as const,
    bytes: file.bytes,
    created_at: unixSeconds(file.createdAtMs),
    expires_at: unixSeconds(file.expiresAtMs),
    filename: file.filename,
    purpose: file.purpose,
    status: 'processed' as const,
    status_details: null,
  };
}
