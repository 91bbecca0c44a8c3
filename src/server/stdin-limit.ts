import { Readable } from 'node:stream';

/** One message (one line) on stdin at most: the MCP SDK's own read limit. */
export const MAX_LINE_BYTES = 10 * 1024 * 1024;
/** Bytes kept of a dropped line's start and end, where a JSON-RPC request's id is. */
const EDGE = 1024;

export interface DroppedLine {
  bytes: number;
  /** The id of the request the line carried, when its first or last bytes tell it. */
  requestId?: string | number;
}

/**
 * Sits between stdin and the SDK's stdio transport. Lines pass through untouched; a line longer than `maxBytes` is
 * dropped as it arrives (never held whole) and reported once it ends. The transport, whose own limit would end the
 * connection, sees in its place a line that is not JSON, which it skips as it skips any such line; the connection
 * goes on. A Readable fed from the source's 'data' events rather than a Transform piped from it: a Transform's
 * writable half costs every message a write callback and a tick, for nothing the transport needs.
 */
export class LineLimit extends Readable {
  private lineBytes = 0;
  private dropping = false;
  private head = Buffer.alloc(0);
  private tail = Buffer.alloc(0);

  constructor(
    private readonly source: Readable,
    private readonly maxBytes: number,
    private readonly onDropped: (line: DroppedLine) => void,
  ) {
    super();
    source.on('data', (chunk: Buffer) => {
      if (!this.feed(chunk)) source.pause();
    });
    source.once('end', () => this.push(null));
    source.once('error', (error) => this.destroy(error));
  }

  override _read(): void {
    this.source.resume();
  }

  /** Passes a chunk on; false when the reader wants no more for now. */
  private feed(chunk: Buffer): boolean {
    let wanted = true;
    const push = (piece: Buffer) => {
      wanted = this.push(piece) && wanted;
    };
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(10, start);
      if (!this.dropping && newline >= 0 && this.lineBytes + (newline - start) <= this.maxBytes && this.head.length === 0) {
        // The usual case: a whole line (or the end of one that fits) in this chunk.
        push(chunk.subarray(start, newline + 1));
        this.lineBytes = 0;
        start = newline + 1;
        continue;
      }
      const piece = chunk.subarray(start, newline < 0 ? chunk.length : newline);
      if (this.head.length < EDGE) this.head = Buffer.concat([this.head, piece.subarray(0, EDGE - this.head.length)]);
      if (!this.dropping && this.lineBytes + piece.length > this.maxBytes) this.dropping = true;
      if (this.dropping) {
        const joined = Buffer.concat([this.tail, piece]);
        this.tail = joined.subarray(Math.max(0, joined.length - EDGE));
      } else if (piece.length) push(piece);
      this.lineBytes += piece.length;
      if (newline < 0) break;
      if (this.dropping) {
        // A NUL can end no JSON text, so what the transport holds of the line fails to parse and is skipped.
        push(Buffer.from('\u0000\n'));
        const id = requestIdOf(this.head.toString('utf8'), this.tail.toString('utf8'));
        this.onDropped({ bytes: this.lineBytes + 1, ...(id === undefined ? {} : { requestId: id }) });
      } else push(chunk.subarray(newline, newline + 1));
      this.lineBytes = 0;
      this.dropping = false;
      this.head = Buffer.alloc(0);
      this.tail = Buffer.alloc(0);
      start = newline + 1;
    }
    return wanted;
  }
}

const ID = String.raw`(-?\d+|"(?:[^"\\]|\\.)*")`;
/** `{"jsonrpc":"2.0","id":7,"method":...`: the id among the first top-level members (the Python SDK's order). */
const ID_AT_START = new RegExp(String.raw`^\s*\{(?:\s*"(?:jsonrpc|method)"\s*:\s*"(?:[^"\\]|\\.)*"\s*,)*\s*"id"\s*:\s*${ID}`);
/** `...,"jsonrpc":"2.0","id":7}`: the last member, closed by the line's only closing brace after it (the TypeScript SDK's order). */
const ID_AT_END = new RegExp(String.raw`"id"\s*:\s*${ID}\s*\}\s*$`);

/** The id of a request (not a response: only requests are answered) from the first and last bytes of its line. */
export function requestIdOf(head: string, tail: string): string | number | undefined {
  // The first of these members to appear says what the message is; a response has result or error instead of method.
  if (/"(method|params|result|error)"\s*:/.exec(head)?.[1] !== 'method') return undefined;
  const found = ID_AT_START.exec(head)?.[1] ?? ID_AT_END.exec(tail.replace(/\r$/, ''))?.[1];
  if (found === undefined) return undefined;
  try {
    return JSON.parse(found) as string | number;
  } catch {
    return undefined;
  }
}
