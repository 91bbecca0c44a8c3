import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../src/tools/define.js';
import { ALL_TOOLS } from '../src/tools/index.js';

describe('defineTool', () => {
  it('builds the input and output shapes of a tool on first use, once', () => {
    const built = { input: 0, output: 0 };
    const tool = defineTool({
      toolset: 'tasks',
      operation: 'get_task_info',
      description: 'test',
      input: () => {
        built.input++;
        return { task_ids: z.array(z.number()) };
      },
      output: () => {
        built.output++;
        return { ok: z.boolean() };
      },
      handler: async () => ({ text: '', structured: { ok: true } }),
    });
    expect(built).toEqual({ input: 0, output: 0 });
    expect(Object.keys(tool.input)).toEqual(['task_ids']);
    expect(tool.input).toBe(tool.input);
    expect(built).toEqual({ input: 1, output: 0 });
    expect(Object.keys(tool.output)).toEqual(['ok']);
    expect(built).toEqual({ input: 1, output: 1 });
  });

  it('gives every registered tool a zod object shape for its input and output', () => {
    for (const tool of ALL_TOOLS) {
      expect(() => z.object(tool.input), tool.name).not.toThrow();
      expect(() => z.object(tool.output), tool.name).not.toThrow();
    }
  });
});
