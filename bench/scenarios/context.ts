import type { CallToolResult } from '@modelcontextprotocol/server';
import { readCalls } from '../lib/calls.js';
import { DirectClient } from '../lib/direct.js';
import { startFarm } from '../lib/farm.js';
import { FARM_START, type BenchOptions, type ScenarioResult } from '../lib/report.js';
import { call, startStdioServer } from '../lib/server.js';

/** A rough token count: about four bytes of English or JSON per token. */
const tokens = (bytes: number) => Math.round(bytes / 4);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/**
 * What the model has to read: the bytes of tools/list, and of each main read tool's answer (text and structured
 * content, as they travel) against the raw API JSON the tool read from the farm. The raw side replays the exact
 * request bodies the server sent (recorded by the farm) directly, so both sides see the same data.
 */
export async function context(options: BenchOptions): Promise<ScenarioResult> {
  const farm = await startFarm({ seed: 1, speed: 0, startTime: FARM_START, recordBodies: true });
  const server = await startStdioServer(farm.serverEnv());
  const direct = new DirectClient(farm);
  try {
    const list = await server.client.listTools();
    const listBytes = Buffer.byteLength(JSON.stringify(list));
    const perTool: Record<string, { answerBytes: number; textBytes: number; structuredBytes: number; rawBytes: number; farmCalls: number }> = {};
    for (const spec of readCalls(await farm.sample())) {
      await farm.command({ cmd: 'bodies' });
      const result: CallToolResult = await call(server.client, spec.name, spec.args);
      if (result.isError) throw new Error(`${spec.name} failed: ${JSON.stringify(result.content)}`);
      const sent = await farm.command<{ path: string; body: string }[]>({ cmd: 'bodies' });
      let rawBytes = 0;
      for (const request of sent) {
        const envelope = JSON.parse(await direct.sendPath(request.path, JSON.parse(request.body))) as { data: unknown };
        rawBytes += Buffer.byteLength(JSON.stringify(envelope.data));
      }
      const text = result.content
        .filter((c) => c.type === 'text')
        .map((c) => c.text)
        .join('\n');
      perTool[spec.name] = {
        answerBytes: Buffer.byteLength(JSON.stringify(result)),
        textBytes: Buffer.byteLength(text),
        structuredBytes: Buffer.byteLength(JSON.stringify(result.structuredContent ?? {})),
        rawBytes,
        farmCalls: sent.length,
      };
    }
    const largestTools = list.tools
      .map((tool) => ({ name: tool.name, bytes: Buffer.byteLength(JSON.stringify(tool)) }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 5);
    options.log(`  tools/list ${kb(listBytes)} for ${list.tools.length} tools`);
    return {
      name: 'context',
      data: { toolsListBytes: listBytes, toolsListTokens: tokens(listBytes), toolCount: list.tools.length, largestTools, perTool },
      rows: [
        {
          area: 'Context',
          metric: `tools/list, ${list.tools.length} tools`,
          value: `${kb(listBytes)} (~${tokens(listBytes).toLocaleString('en')} tokens)`,
          target: '< 48 KB',
          pass: listBytes < 48 * 1024,
        },
        ...Object.entries(perTool).map(([name, t]) => ({
          area: 'Context',
          metric: `${name}: answer (text + structured) vs raw API JSON`,
          value: `${kb(t.answerBytes)} vs ${kb(t.rawBytes)} (${Math.round((100 * t.answerBytes) / t.rawBytes)} %)`,
        })),
      ],
      notes: ['Context: tokens estimated as bytes / 4. An answer counts the whole CallToolResult (text, structured content, links).'],
    };
  } finally {
    await server.close();
    await direct.close();
    await farm.close();
  }
}
