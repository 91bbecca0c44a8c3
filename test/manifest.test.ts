import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { getMcpConfigForManifest, type McpbManifestAny } from '@anthropic-ai/mcpb/browser';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOLSETS } from '../src/tools/toolsets.js';
import { ALL_OPTIONS } from '../src/server/options.js';
import { ROOT, ensureBuilt } from './helpers/built.js';
import { witness } from './helpers/canary.js';
import { startHarness, type Harness } from './helpers/harness.js';

interface UserConfigOption {
  type: string;
  title: string;
  description: string;
  required?: boolean;
  default?: unknown;
  sensitive?: boolean;
}

const manifest = JSON.parse(readFileSync(`${ROOT}manifest.json`, 'utf8')) as McpbManifestAny & {
  user_config: Record<string, UserConfigOption>;
  server: { mcp_config: { command: string; args: string[]; env: Record<string, string> } };
};
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
  version: string;
  homepage: string;
  bugs: { url: string };
  repository: { url: string };
  files: string[];
};

let harness: Harness;
beforeAll(async () => {
  ensureBuilt();
  harness = await startHarness();
});
afterAll(async () => {
  await harness.close();
});

/** Environment for a child that starts as the desktop app would start it: none of the developer's RAYVISION_ settings. */
const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RAYVISION_'))) as Record<string, string>;

describe('manifest.json', () => {
  it('passes `mcpb validate`', () => {
    const result = spawnSync(`${ROOT}node_modules/.bin/mcpb`, ['validate', `${ROOT}manifest.json`], { encoding: 'utf8', timeout: 30_000 });
    expect(result.stdout + result.stderr).toMatch(/validation passes/i);
    expect(result.status).toBe(0);
  });

  it('links the repository, homepage, documentation and support of package.json, and carries a 512x512 PNG icon', () => {
    const links = manifest as McpbManifestAny & {
      repository?: { type: string; url: string };
      homepage?: string;
      documentation?: string;
      support?: string;
      icon?: string;
    };
    const repository = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
    expect(links.repository).toEqual({ type: 'git', url: repository });
    expect(links.homepage).toBe(pkg.homepage);
    expect(links.support).toBe(pkg.bugs.url);
    expect(links.documentation?.startsWith(`${repository}/`)).toBe(true);
    expect(links.icon).toBe('icon.png');
    const png = readFileSync(`${ROOT}${links.icon}`);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
    // Shipped wherever the manifest goes: the npm package and the bundle.
    expect(pkg.files).toContain(links.icon);
  });

  it('lists the tools and prompts the server serves, and carries the package version', async () => {
    const { tools } = await harness.client.listTools();
    expect(manifest.tools).toEqual(tools.map((tool) => ({ name: tool.name, description: tool.description })));
    const prompts = harness.client.getServerCapabilities()?.prompts ? (await harness.client.listPrompts()).prompts : [];
    expect((manifest.prompts ?? []).map((prompt) => prompt.name)).toEqual(prompts.map((prompt) => prompt.name));
    expect(manifest.version).toBe(pkg.version);
  });

  it('asks for the connection settings and wires each one into the server environment', () => {
    const config = manifest.user_config;
    for (const key of ['access_id', 'access_key', 'domain', 'platform', 'scheme', 'read_only', 'toolsets']) expect(config, key).toHaveProperty(key);
    expect(config['access_key']!.sensitive).toBe(true);
    for (const [key, option] of Object.entries(config)) {
      if (key !== 'access_key') expect(option.sensitive, key).toBeFalsy();
      // A variable with neither a value nor a default would reach the server as the literal "${user_config.x}".
      if (!option.required) expect(option.default, `${key} needs a default`).toBeDefined();
    }

    const env = manifest.server.mcp_config.env;
    const known = new Set(ALL_OPTIONS.map((option) => option.env));
    expect(Object.keys(env).filter((name) => !known.has(name))).toEqual([]);
    const referenced = Object.values(env).flatMap((value) => [...value.matchAll(/\$\{user_config\.(\w+)\}/g)].map((m) => m[1]!));
    expect(referenced.sort()).toEqual(Object.keys(config).sort());
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the manifest's own placeholder syntax
    expect(env['RAYVISION_API_ACCESS_KEY']).toBe('${user_config.access_key}');
    // The bundle starts the command as every launch path does: the heap bounds are set inside it (src/launcher.ts).
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the manifest's own placeholder syntax
    expect(manifest.server.mcp_config.args).toEqual(['${__dirname}/dist/cli.js']);
    for (const toolset of TOOLSETS) expect(config['toolsets']!.description).toContain(toolset);
  });

  it("starts the server the way a host does, with the user's choices substituted", async () => {
    const mcpConfig = await getMcpConfigForManifest({
      manifest,
      extensionPath: ROOT.replace(/\/$/, ''),
      systemDirs: { HOME: '/tmp', DATA: '/tmp', DOCUMENTS: '/tmp', DOWNLOADS: '/tmp', DESKTOP: '/tmp' },
      userConfig: { sandbox: true, read_only: true },
      pathSeparator: '/',
    });
    expect(mcpConfig).toBeDefined();
    const client = new Client({ name: 'manifest-test', version: '1.0.0' });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: mcpConfig!.args ?? [],
      env: { ...cleanEnv(), ...mcpConfig!.env },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.length).toBeGreaterThan(0);
      expect(tools.every((tool) => tool.annotations?.readOnlyHint === true)).toBe(true);
      expect(client.getInstructions()).toMatch(/SANDBOX/);
    } finally {
      await client.close();
      witness(stderr);
    }
  });

  it('with only the defaults (no credentials), the server exits naming the missing variable', async () => {
    const mcpConfig = await getMcpConfigForManifest({
      manifest,
      extensionPath: ROOT.replace(/\/$/, ''),
      systemDirs: {},
      userConfig: {},
      pathSeparator: '/',
    });
    const result = spawnSync(process.execPath, mcpConfig!.args ?? [], {
      env: { ...cleanEnv(), ...mcpConfig!.env },
      encoding: 'utf8',
      input: '',
      timeout: 15_000,
    });
    witness(result.stdout + result.stderr);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/RAYVISION_API_ACCESS_ID/);
  });
});
