/** How a scripted event stream ends. */
export interface SseScript {
  frames: string[];
  /**
   * Instead of ending after the frames, wait for more that never come (a stream stalled
   * mid-answer), and call this once the client has read every frame and asks for more.
   */
  onStalled?: () => void;
}

/**
 * A `fetch` (the adapters' seam) that answers every request with one scripted
 * 200 event stream. The fake provider servers send well-formed streams only; this
 * sends what they cannot: an error event inside a 200 stream, or a stream that stalls at a point
 * the test chooses. Like a real `fetch`, the body fails with an `AbortError` when the request's
 * signal fires.
 */
export function scriptedSseFetch(script: SseScript): typeof fetch {
  return async (_input, init) => {
    const encoder = new TextEncoder();
    const frames = [...script.frames];
    const body = new ReadableStream<Uint8Array>(
      {
        start(controller) {
          init?.signal?.addEventListener('abort', () =>
            controller.error(new DOMException('This operation was aborted', 'AbortError')),
          );
        },
        // Called only when the client waits for bytes (no high-water mark): after the last frame,
        // that means it has read and handled all of them.
        pull(controller) {
          const frame = frames.shift();
          if (frame !== undefined) return controller.enqueue(encoder.encode(frame));
          if (script.onStalled === undefined) return controller.close();
          script.onStalled();
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };
}

/** One SSE frame. */
export const sseFrame = (data: unknown, event?: string): string =>
  `${event === undefined ? '' : `event: ${event}\n`}data: ${JSON.stringify(data)}\n\n`;
