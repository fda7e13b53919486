/** Splits a byte stream into lines (NDJSON), however the chunks fall; a line may be any length. */
import { StringDecoder } from 'node:string_decoder';

export function splitLines(onLine: (line: string) => void): (chunk: Buffer | string) => void {
  const decoder = new StringDecoder('utf8');
  let pending: string[] = [];
  return chunk => {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      pending.push(text.slice(from, nl));
      const line = pending.length === 1 ? pending[0] : pending.join('');
      pending = [];
      from = nl + 1;
      if (line) onLine(line);
    }
    if (from < text.length) pending.push(text.slice(from)); // a long line arrives in many chunks: join once
  };
}
