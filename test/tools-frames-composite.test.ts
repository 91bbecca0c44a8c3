import { describe, expect, it } from 'vitest';
import { compressNumbers, frameIndexRange, frameRangeOf, framesByNumber, logLines, parseFrameRange, type FrameInfo } from '../src/client/api/index.js';
import { shortUserAgent } from '../src/tools/catalog/logs.js';
import { errorLines } from '../src/tools/support/render-log.js';

const frame = (id: number, frameIndex: string | null, frameStatus = 4): FrameInfo => ({ id, frameIndex, frameStatus });

describe('frame number ranges', () => {
  it('reads numbers, ranges and the farm step form, and nothing else', () => {
    expect(parseFrameRange('6')).toEqual({ start: 6, end: 6, step: 1 });
    expect(parseFrameRange(' 7-9 ')).toEqual({ start: 7, end: 9, step: 1 });
    expect(parseFrameRange('7-9[1]')).toEqual({ start: 7, end: 9, step: 1 });
    expect(parseFrameRange('10-20[5]')).toEqual({ start: 10, end: 20, step: 5 });
    for (const bad of ['', 'x', '9-7', '1-5[0]', 'a7', '7-', '-3', '1,2']) expect(parseFrameRange(bad), bad).toBeUndefined();
  });

  it('reads a frameIndex with a leading node path', () => {
    expect(frameIndexRange('/out/geometry110-200[1]')).toEqual({ start: 110, end: 200, step: 1 });
    expect(frameIndexRange(null)).toBeUndefined();
  });

  it('compresses numbers into ranges', () => {
    expect(compressNumbers([9, 1, 2, 3, 7, 10, 2])).toEqual(['1-3', '7', '9-10']);
    expect(compressNumbers([])).toEqual([]);
  });
});

describe('framesByNumber', () => {
  const frames = [frame(101, '1'), frame(102, '2'), frame(103, '3-4'), frame(104, '7-9[1]'), frame(105, null), frame(106, '12')];

  it('picks frames by number, by range and by the exact frameIndex, each once, in the farm order', () => {
    const { frames: picked, unmatched } = framesByNumber(frames, ['2', '4', '7-9[1]', '1-2']);
    expect(picked.map((f) => f.id)).toEqual([101, 102, 103, 104]);
    expect(unmatched).toEqual([]);
  });

  it('reports the numbers that match no frame, compressed', () => {
    const { frames: picked, unmatched } = framesByNumber(frames, ['10-14', '40']);
    expect(picked.map((f) => f.id)).toEqual([106]);
    expect(unmatched).toEqual(['10-11', '13-14', '40']);
  });

  it('a chunk frame covering several numbers is picked by any of them', () => {
    expect(framesByNumber(frames, ['8']).frames.map((f) => f.id)).toEqual([104]);
  });

  it('reads `<frame>-<block>` of a tiled still as that frame, so a frame number picks all its tiles', () => {
    const tiles: FrameInfo[] = [1, 2, 3].map((block) => ({ id: 200 + block, frameIndex: `5-${block}`, frameBlock: String(block) }));
    expect(frameRangeOf(tiles[2]!)).toEqual({ start: 5, end: 5, step: 1 });
    expect(framesByNumber(tiles, ['5']).frames.map((f) => f.id)).toEqual([201, 202, 203]);
    expect(framesByNumber(tiles, ['5-3']).frames.map((f) => f.id)).toEqual([203]);
    expect(framesByNumber(tiles, ['2']).unmatched).toEqual(['2']);
  });
});

describe('render log reading', () => {
  it('accepts a paged list of lines, line records, or plain text', () => {
    expect(logLines({ total: 3, items: ['a', 'b'] })).toEqual({ lines: ['a', 'b'], total: 3 });
    expect(logLines({ items: [{ content: 'x\ny' }, { line: 'z' }] }).lines).toEqual(['x', 'y', 'z']);
    expect(logLines('one\r\ntwo\n\n')).toEqual({ lines: ['one', 'two'] });
    expect(logLines(null)).toEqual({ lines: [] });
  });

  it('finds error lines and the farm code in `ERROR <code>: <text>`', () => {
    const found = errorLines(['INFO start', '[12:00] ERROR 15000: 3ds Max hangs', 'Error: texture missing', '0 errors']);
    expect(found).toEqual([{ line: '[12:00] ERROR 15000: 3ds Max hangs', code: '15000', context: 'INFO start' }, { line: 'Error: texture missing' }]);
  });

  it('shortens user agents to browser and system', () => {
    const chrome = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36';
    expect(shortUserAgent(chrome)).toBe('Chrome 128 on Windows');
    expect(shortUserAgent('python-requests/2.31.0')).toBe('python-requests/2.31.0');
    expect(shortUserAgent(null)).toBeUndefined();
  });
});
