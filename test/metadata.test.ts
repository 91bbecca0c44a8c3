import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConnectorConfig } from '../src/client/config.js';
import { ConfigError, parseBooleanText, type OptionSpec } from '../src/client/options.js';
import { loadServerSettings } from '../src/server/config.js';
import { ALL_OPTIONS } from '../src/server/options.js';
import { CONNECT_SECTION_URL } from '../src/server/terminal.js';
import { ROOT } from './helpers/built.js';

/** What the package says about itself, and the MCP Registry entry (server.json) that must agree with it. */

interface PackageJson {
  name: string;
  version: string;
  license: string;
  mcpName: string;
  keywords: string[];
  repository: { type: string; url: string };
  homepage: string;
  bugs: { url: string };
  engines: { node: string };
}

const read = (file: string) => readFileSync(`${ROOT}${file}`, 'utf8');
const pkg = JSON.parse(read('package.json')) as PackageJson;
const REPOSITORY = 'https://github.com/rayvision-mcp/rayvision-mcp';

describe('package.json and LICENSE', () => {
  it('names the repository, its issues and the registry name', () => {
    expect(pkg.repository).toEqual({ type: 'git', url: `git+${REPOSITORY}.git` });
    expect(pkg.homepage).toBe(`${REPOSITORY}#readme`);
    expect(pkg.bugs.url).toBe(`${REPOSITORY}/issues`);
    // The registry grants io.github.<owner>/ to the GitHub owner of the repository.
    expect(pkg.mcpName).toBe(`io.github.${new URL(REPOSITORY).pathname.split('/')[1]}/${pkg.name}`);
    expect(pkg.keywords).toEqual(expect.arrayContaining(['mcp', 'mcp-server', 'render-farm']));
    expect(CONNECT_SECTION_URL).toBe(`${REPOSITORY}#connect-your-client`);
    expect(read('README.md')).toContain(`git clone ${REPOSITORY}.git`);
  });

  it('ships the MIT licence package.json declares', () => {
    const license = read('LICENSE');
    expect(pkg.license).toBe('MIT');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} rayvision-mcp contributors\n/);
    expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
  });

  it('the README asks for the Node version engines requires', () => {
    const minimum = /^>=(\d+\.\d+\.\d+)$/.exec(pkg.engines.node)?.[1];
    expect(minimum).toBeDefined();
    const stated = [...read('README.md').matchAll(/Node(?:\.js)? (\d+\.\d+(?:\.\d+)?) or later/g)].map((m) => m[1]);
    expect(stated.length).toBeGreaterThan(0);
    expect(stated.every((version) => version === minimum)).toBe(true);
  });
});

/*
 * server.json for the MCP Registry. The schema is https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json
 * (generated from docs/reference/api/openapi.yaml in github.com/modelcontextprotocol/registry); the checks below are
 * its required fields and constraints for what this file uses: a ServerDetail with one npm package over stdio.
 */
interface EnvironmentVariable {
  name: string;
  description?: string;
  isRequired?: boolean;
  isSecret?: boolean;
  format?: string;
  default?: string;
  choices?: string[];
}
interface ServerJson {
  $schema: string;
  name: string;
  title?: string;
  description: string;
  version: string;
  repository?: { url: string; source: string; id?: string; subfolder?: string };
  websiteUrl?: string;
  packages?: {
    registryType: string;
    registryBaseUrl?: string;
    identifier: string;
    version?: string;
    runtimeHint?: string;
    transport: { type: string };
    environmentVariables?: EnvironmentVariable[];
  }[];
}

const SCHEMA_URL = 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json';
const server = JSON.parse(read('server.json')) as ServerJson & Record<string, unknown>;
const manifest = JSON.parse(read('manifest.json')) as { display_name: string; server: { mcp_config: { env: Record<string, string> } } };
const isUri = (text: unknown) => typeof text === 'string' && URL.canParse(text) && /^https?:$/.test(new URL(text).protocol);
// The schema rejects version ranges such as ^1.2.3, ~1.2.3, >=1.2.3, 1.x, 1.* and "latest".
const VERSION_RANGE = /[\^~<>=*\s]|(^|\.)[xX](\.|$)|^latest$/;

describe('server.json (MCP Registry, schema 2025-12-11)', () => {
  it('has the fields the schema requires, within its limits', () => {
    expect(server.$schema).toBe(SCHEMA_URL);
    expect(
      Object.keys(server).filter(
        (key) => !['$schema', '_meta', 'name', 'title', 'description', 'version', 'repository', 'websiteUrl', 'icons', 'packages', 'remotes'].includes(key),
      ),
    ).toEqual([]);
    expect(server.name).toMatch(/^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/);
    expect(server.name.length).toBeGreaterThanOrEqual(3);
    expect(server.name.length).toBeLessThanOrEqual(200);
    expect(server.description.length).toBeGreaterThanOrEqual(1);
    expect(server.description.length).toBeLessThanOrEqual(100);
    if (server.title !== undefined) expect(server.title.length).toBeLessThanOrEqual(100);
    expect(server.version.length).toBeLessThanOrEqual(255);
    expect(server.version).not.toMatch(VERSION_RANGE);
    expect(isUri(server.repository?.url) && typeof server.repository?.source === 'string').toBe(true);
    if (server.websiteUrl !== undefined) expect(isUri(server.websiteUrl)).toBe(true);

    expect(server.packages?.length).toBeGreaterThan(0);
    for (const entry of server.packages ?? []) {
      expect(
        Object.keys(entry).filter(
          (key) =>
            ![
              'registryType',
              'registryBaseUrl',
              'identifier',
              'version',
              'fileSha256',
              'runtimeHint',
              'transport',
              'runtimeArguments',
              'packageArguments',
              'environmentVariables',
            ].includes(key),
        ),
      ).toEqual([]);
      expect(['npm', 'pypi', 'nuget', 'oci', 'mcpb']).toContain(entry.registryType);
      expect(entry.identifier.length).toBeGreaterThan(0);
      expect(['stdio', 'streamable-http', 'sse']).toContain(entry.transport.type);
      if (entry.registryBaseUrl !== undefined) expect(isUri(entry.registryBaseUrl)).toBe(true);
      if (entry.version !== undefined) expect(entry.version).not.toMatch(VERSION_RANGE);
      for (const variable of entry.environmentVariables ?? []) {
        expect(
          Object.keys(variable).filter(
            (key) => !['name', 'description', 'isRequired', 'format', 'value', 'isSecret', 'default', 'placeholder', 'choices', 'variables'].includes(key),
          ),
        ).toEqual([]);
        expect(typeof variable.name).toBe('string');
        if (variable.format !== undefined) expect(['string', 'number', 'boolean', 'filepath']).toContain(variable.format);
        for (const flag of [variable.isRequired, variable.isSecret]) if (flag !== undefined) expect(typeof flag).toBe('boolean');
        if (variable.default !== undefined) expect(typeof variable.default).toBe('string');
        if (variable.choices && variable.default !== undefined) expect(variable.choices).toContain(variable.default);
      }
    }
  });

  it('is the npm package of package.json: name, version, registry name, repository', () => {
    expect(server.name).toBe(pkg.mcpName);
    expect(server.version).toBe(pkg.version);
    expect(server.title).toBe(manifest.display_name);
    expect(server.repository).toEqual({ url: REPOSITORY, source: 'github' });
    expect(server.websiteUrl).toBe(pkg.homepage);
    expect(server.packages).toHaveLength(1);
    expect(server.packages![0]).toMatchObject({
      registryType: 'npm',
      registryBaseUrl: 'https://registry.npmjs.org',
      identifier: pkg.name,
      version: pkg.version,
      transport: { type: 'stdio' },
    });
  });

  const variables = server.packages?.[0]?.environmentVariables ?? [];
  const specOf = (name: string) => ALL_OPTIONS.find((spec) => spec.env === name);

  it('offers only variables of the options table, described and typed as it declares them', () => {
    for (const variable of variables) {
      const spec = specOf(variable.name);
      expect(spec, `${variable.name} is not in ALL_OPTIONS`).toBeDefined();
      expect(variable.isSecret === true, variable.name).toBe(spec!.secret === true);
      expect(variable.description?.startsWith(spec!.description), variable.name).toBe(true);
      expect(variable.format === 'boolean', variable.name).toBe(spec!.type === 'boolean');
      if (variable.default !== undefined) {
        const expected = spec!.type === 'boolean' ? String(parseBooleanText(spec!.defaultText)) : spec!.defaultText;
        expect(variable.default, variable.name).toBe(expected);
      }
    }
    expect(new Set(variables.map((variable) => variable.name)).size).toBe(variables.length);
  });

  it("offers the zone of the farm's clock, with the documented UTC+8 as its default", () => {
    expect(variables.find((v) => v.name === 'RAYVISION_API_TIME_ZONE')).toMatchObject({ default: '+08:00', format: 'string' });
    expect(loadConnectorConfig({ RAYVISION_API_ACCESS_ID: 'AKIDexample', RAYVISION_API_ACCESS_KEY: 'example-key' }).timeZone).toBe('UTC+08:00');
  });

  it('asks for the account as the server needs it: the access id and the secret key', () => {
    expect(variables.find((v) => v.name === 'RAYVISION_API_ACCESS_ID')).toMatchObject({ isRequired: true });
    expect(variables.find((v) => v.name === 'RAYVISION_API_ACCESS_KEY')).toMatchObject({ isRequired: true, isSecret: true });
    // Every setting the desktop bundle asks for is offered here too.
    expect(Object.keys(manifest.server.mcp_config.env).filter((name) => !variables.some((v) => v.name === name))).toEqual([]);
  });

  it('lists as choices exactly the values the server accepts', () => {
    const credentials = { RAYVISION_API_ACCESS_ID: 'AKIDexample', RAYVISION_API_ACCESS_KEY: 'example-key' };
    const load = (spec: OptionSpec, value: string) =>
      spec.group === 'Connection' ? loadConnectorConfig({ ...credentials, [spec.env]: value }) : loadServerSettings({ [spec.env]: value });
    const withChoices = variables.filter((variable) => variable.choices);
    expect(withChoices.length).toBeGreaterThan(0);
    for (const variable of withChoices) {
      const spec = specOf(variable.name)!;
      for (const choice of variable.choices!) expect(() => load(spec, choice), `${variable.name}=${choice}`).not.toThrow();
      // The refusal of anything else names the valid values; they must be the choices.
      let refusal = '';
      try {
        load(spec, 'not-a-choice');
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        refusal = (error as Error).message;
      }
      const accepted = /must be (?:one of )?(.+?) \(got/.exec(refusal)?.[1]?.split(/, | or /);
      expect(accepted, `${variable.name}: ${refusal}`).toEqual(variable.choices);
    }
  });
});
