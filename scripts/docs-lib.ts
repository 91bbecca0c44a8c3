/**
 * Generates the parts of README.md and manifest.json that must follow the code: the option table (from ALL_OPTIONS),
 * the tool and prompt lists (from what a real MCP client sees, joined with ALL_TOOLS for toolset and safety), the
 * error-code table (from API_CODES) and the dialect table (docs-dialects.ts, from the sandbox's wire contract).
 * `npm run docs` writes them; test/docs.test.ts regenerates them in memory.
 */
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { Connector } from '../src/client/connector.js';
import { loadConnectorConfig } from '../src/client/config.js';
import { API_CODES } from '../src/client/errors.js';
import { silentLogger } from '../src/client/log.js';
import type { Safety } from '../src/client/operations.js';
import { TOOLSET_DESCRIPTIONS, type Toolset } from '../src/tools/toolsets.js';
import type { OptionSpec } from '../src/client/options.js';
import { loadServerSettings } from '../src/server/config.js';
import { ServerSurface } from '../src/server/create.js';
import { ALL_OPTIONS } from '../src/server/options.js';
import { VERSION } from '../src/server/version.js';
import { ALL_TOOLS } from '../src/tools/index.js';
import { dialectTable } from './docs-dialects.js';

export interface ToolEntry {
  name: string;
  title: string;
  description: string;
  toolset: Toolset;
  safety: Safety;
}

export interface PromptEntry {
  name: string;
  description?: string;
  arguments: string[];
}

/** What the server serves with its default settings (every toolset, not read-only). */
export interface Surface {
  tools: ToolEntry[];
  prompts: PromptEntry[];
}

/** Starts the real server in memory (its connector is never called) and asks it, as a client would. */
export async function readSurface(): Promise<Surface> {
  const connector = new Connector(
    loadConnectorConfig({
      RAYVISION_API_ACCESS_ID: 'docs',
      RAYVISION_API_ACCESS_KEY: 'not-used-no-request-is-sent',
      RAYVISION_API_DOMAIN: '127.0.0.1:9',
      RAYVISION_API_PROTOCOL: 'http',
    }),
    { logger: silentLogger },
  );
  const { mcp } = new ServerSurface({ connector, logger: silentLogger, settings: loadServerSettings({}) }).newServer({ era: 'legacy', connection: true });
  const client = new Client({ name: 'rayvision-mcp-docs', version: VERSION });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await Promise.all([mcp.connect(serverSide), client.connect(clientSide)]);
  try {
    const listed = (await client.listTools()).tools;
    const byName = new Map(ALL_TOOLS.map((tool) => [tool.name, tool]));
    const tools = listed.map((tool) => {
      const definition = byName.get(tool.name);
      if (!definition) throw new Error(`tools/list returned ${tool.name}, which is not in ALL_TOOLS`);
      return {
        name: tool.name,
        title: tool.title ?? definition.title,
        description: tool.description ?? '',
        toolset: definition.toolset,
        safety: definition.safety,
      };
    });
    // Prompts appear here as soon as the server registers any; until then the server has no prompts capability.
    const prompts = client.getServerCapabilities()?.prompts
      ? (await client.listPrompts()).prompts.map((prompt) => ({
          name: prompt.name,
          ...(prompt.description ? { description: prompt.description } : {}),
          arguments: (prompt.arguments ?? []).map((argument) => argument.name),
        }))
      : [];
    return { tools, prompts };
  } finally {
    await client.close();
    await mcp.close();
    await connector.close();
  }
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string) => `\`${text}\``;

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)].join('\n');
}

export function optionsTable(options: readonly OptionSpec[] = ALL_OPTIONS): string {
  return table(
    ['Group', 'Environment variable', 'Flag', 'Default', 'What it does'],
    options.map((o) => [
      o.group,
      code(o.env),
      o.flag ? code(`--${o.flag}`) : o.secret ? 'none (secret)' : 'none',
      o.defaultText ? (/^[\w.:/-]+$/.test(o.defaultText) ? code(o.defaultText) : o.defaultText) : '',
      o.description,
    ]),
  );
}

const SAFETY_LABEL: Record<Safety, string> = {
  read: 'read-only',
  write: 'changes',
  costly: 'costs money (dry_run)',
  destructive: 'destructive (confirm)',
};

export function toolsTable(tools: readonly ToolEntry[]): string {
  return table(
    ['Tool', 'Toolset', 'Kind', 'What it does'],
    tools.map((tool) => [code(tool.name), tool.toolset, SAFETY_LABEL[tool.safety], tool.description]),
  );
}

/** What each toolset holds (src/tools/toolsets.ts), for choosing RAYVISION_TOOLSETS. */
export function toolsetsList(): string {
  return Object.entries(TOOLSET_DESCRIPTIONS)
    .map(([name, description]) => `- ${code(name)}: ${description}`)
    .join('\n');
}

export function promptsTable(prompts: readonly PromptEntry[]): string {
  if (prompts.length === 0) return '_The server has no prompts yet._';
  return table(
    ['Prompt', 'Arguments', 'What it does'],
    prompts.map((prompt) => [code(prompt.name), prompt.arguments.map(code).join(', '), prompt.description ?? '']),
  );
}

/** Result codes the connector has advice for: the ones a user can do something about. */
export function errorCodesTable(): string {
  return table(
    ['Code', 'Name', 'Meaning', 'What to do'],
    Object.entries(API_CODES)
      .filter(([, info]) => info.hint)
      .map(([number, info]) => [number, code(info.name), info.meaning, info.hint!]),
  );
}

export type RegionName = 'options' | 'tools' | 'prompts' | 'error-codes' | 'dialects';

export function regions(surface: Surface): Record<RegionName, string> {
  return {
    options: optionsTable(),
    tools: `${toolsetsList()}\n\n${toolsTable(surface.tools)}`,
    prompts: promptsTable(surface.prompts),
    'error-codes': errorCodesTable(),
    dialects: dialectTable(),
  };
}

const begin = (name: string) => `<!-- BEGIN GENERATED: ${name} (npm run docs) -->`;
const end = (name: string) => `<!-- END GENERATED: ${name} -->`;

/** Replaces the text between each region's markers; a region whose markers are missing is an error. */
export function fillRegions(text: string, contents: Record<string, string>): string {
  let result = text;
  for (const [name, body] of Object.entries(contents)) {
    const start = result.indexOf(begin(name));
    const stop = result.indexOf(end(name));
    if (start < 0 || stop < start) throw new Error(`README.md lacks the markers ${begin(name)} ... ${end(name)}`);
    result = `${result.slice(0, start + begin(name).length)}\n${body}\n${result.slice(stop)}`;
  }
  return result;
}

export interface Manifest {
  version: string;
  tools?: { name: string; description?: string }[];
  prompts?: { name: string; description?: string; arguments?: string[]; text: string }[];
  [key: string]: unknown;
}

/**
 * The manifest with its version, tools and prompts taken from the server. A bundle prompt needs a `text`; the
 * server builds its prompt messages at request time, so the text shown is the prompt's description.
 */
export function fillManifest(manifest: Manifest, surface: Surface, version: string = VERSION): Manifest {
  return {
    ...manifest,
    version,
    tools: surface.tools.map((tool) => ({ name: tool.name, description: tool.description })),
    prompts: surface.prompts.map((prompt) => ({
      name: prompt.name,
      ...(prompt.description ? { description: prompt.description } : {}),
      ...(prompt.arguments.length ? { arguments: prompt.arguments } : {}),
      text: prompt.description ?? prompt.name,
    })),
  };
}

export const manifestText = (manifest: Manifest) => `${JSON.stringify(manifest, null, 2)}\n`;
