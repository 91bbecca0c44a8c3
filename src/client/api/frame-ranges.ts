/**
 * Frame numbers and the farm's frameIndex: the ranges a user names (`6`, `7-9`, `7-9[2]`), and SDK
 * `get_custome_frames` (restart_frames_by_number), which maps frame numbers to the frames that render them.
 */
import type { FrameInfo } from './frames.js';

/** A frame number range: `6`, `7-9`, `7-9[2]` (every 2nd frame), the way the farm writes frameIndex. */
export interface FrameRange {
  start: number;
  end: number;
  step: number;
}

const RANGE = /(\d{1,9})(?:\s*-\s*(\d{1,9}))?(?:\s*\[(\d{1,9})\])?$/;

/** Parses a requested range (`6`, `7-9`, `7-9[1]`); undefined when the text is not one. */
export function parseFrameRange(text: string): FrameRange | undefined {
  const trimmed = text.trim();
  const match = RANGE.exec(trimmed);
  if (match?.index !== 0) return undefined;
  return toRange(match);
}

/** The frame numbers a frameIndex covers (`0-1`, `2-4[1]`, `12`; a leading node path is ignored). */
export function frameIndexRange(frameIndex: string | null | undefined): FrameRange | undefined {
  const match = frameIndex ? RANGE.exec(frameIndex.trim()) : null;
  return match ? toRange(match) : undefined;
}

/**
 * The frame numbers a frame renders. A still split into tiles writes `<frame>-<block>` (seed example "0-1" with
 * frameBlock "1"), so an index ending in its own block number is that one frame; anything else is read as a range.
 */
export function frameRangeOf(frame: Pick<FrameInfo, 'frameIndex' | 'frameBlock'>): FrameRange | undefined {
  const tile = tileOf(frame);
  if (tile !== undefined) return { start: tile, end: tile, step: 1 };
  return frameIndexRange(frame.frameIndex?.trim());
}

/** The still frame number a tile belongs to (`0-7` with frameBlock "7" is tile 7 of frame 0); undefined for a frame. */
export function tileOf(frame: Pick<FrameInfo, 'frameIndex' | 'frameBlock'>): number | undefined {
  const index = frame.frameIndex?.trim();
  const block = frame.frameBlock?.trim();
  const tile = index && block ? /(\d{1,9})-(\d{1,9})$/.exec(index) : null;
  return tile && tile[2] === block ? Number(tile[1]) : undefined;
}

function toRange(match: RegExpExecArray): FrameRange | undefined {
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  const step = match[3] === undefined ? 1 : Number(match[3]);
  if (end < start || step < 1) return undefined;
  return { start, end, step };
}

function* numbersOf(range: FrameRange): Generator<number> {
  for (let n = range.start; n <= range.end; n += range.step) yield n;
}

/** Frame numbers a request may name at most (a guard against `1-999999999`). */
export const MAX_REQUESTED_FRAME_NUMBERS = 100_000;

export function countNumbers(range: FrameRange): number {
  return Math.floor((range.end - range.start) / range.step) + 1;
}

export interface FramesByNumber {
  /** Matching frames, each once, in the farm's order. */
  frames: FrameInfo[];
  /** Requested numbers (compressed to ranges) or frameIndex strings that match no frame. */
  unmatched: string[];
}

/**
 * SDK `get_custome_frames`, made forgiving: a request equal to a frame's frameIndex (`7-9[1]`) picks that frame; any
 * other request is read as frame numbers, and picks every frame that renders one of them (a chunk `7-9[1]` is
 * picked by `8`, every tile of still 12 by `12`). Requests are expected to be valid ranges (see parseFrameRange).
 */
export function framesByNumber(frames: readonly FrameInfo[], requests: readonly string[]): FramesByNumber {
  const byIndex = new Map<string, FrameInfo[]>();
  const byNumber = new Map<number, FrameInfo[]>();
  const push = <K>(map: Map<K, FrameInfo[]>, key: K, frame: FrameInfo) => {
    const list = map.get(key);
    if (list) list.push(frame);
    else map.set(key, [frame]);
  };
  for (const frame of frames) {
    const index = frame.frameIndex?.trim();
    if (!index) continue;
    push(byIndex, index, frame);
    const range = frameRangeOf(frame);
    if (range && countNumbers(range) <= MAX_REQUESTED_FRAME_NUMBERS) for (const n of numbersOf(range)) push(byNumber, n, frame);
  }
  const picked = new Set<FrameInfo>();
  const unmatched: string[] = [];
  for (const request of requests) {
    const exact = byIndex.get(request.trim());
    if (exact) {
      for (const frame of exact) picked.add(frame);
      continue;
    }
    const range = parseFrameRange(request);
    if (!range) {
      unmatched.push(request);
      continue;
    }
    const missing: number[] = [];
    for (const n of numbersOf(range)) {
      const hits = byNumber.get(n);
      if (hits) for (const frame of hits) picked.add(frame);
      else missing.push(n);
    }
    unmatched.push(...compressNumbers(missing));
  }
  return { frames: frames.filter((frame) => picked.has(frame)), unmatched };
}

/** [1,2,3,7,9,10] → ['1-3', '7', '9-10'] */
export function compressNumbers(numbers: readonly number[]): string[] {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return out;
}
