/**
 * A `text/event-stream` read as a browser's EventSource reads it: frames, each with its `id`,
 * `event` and `data` (one-line data, as the service writes), yielded as the chunks arrive.
 */
export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
}

export async function* sseFrames(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseFrame> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame: SseFrame = {};
      for (const line of buffer.slice(0, end).split('\n')) {
        const m = /^(id|event|data): (.*)$/.exec(line);
        if (m) frame[m[1] as keyof SseFrame] = m[2]!;
      }
      buffer = buffer.slice(end + 2);
      yield frame;
    }
  }
}
