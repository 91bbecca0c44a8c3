#!/usr/bin/env node
import { Connector } from './client/connector.js';
import { CONNECTION_OPTIONS, loadConnectorConfig, type ConnectorConfig } from './client/config.js';
import { createLogger } from './client/log.js';
import { ConfigError, readCommandLine, type OptionSpec } from './client/options.js';
import { SERVER_OPTIONS, loadServerSettings } from './server/config.js';
import { createMcpServer } from './server/create.js';
import { runStdio } from './server/stdio.js';
import { VERSION } from './server/version.js';

/** Every option the server reads, in the order the README's table shows them. */
export const ALL_OPTIONS: readonly OptionSpec[] = [...Object.values(CONNECTION_OPTIONS), ...Object.values(SERVER_OPTIONS)];

const USAGE = `rayvision-mcp ${VERSION}: MCP server for the Rayvision render farms

Usage:
  rayvision-mcp [options]            serve MCP over stdio (set RAYVISION_API_ACCESS_ID and _KEY)
  rayvision-mcp --sandbox [options]  serve MCP over stdio, wired to an embedded simulated farm
  rayvision-mcp sandbox [--port 0] [--seed N] [--speed X] [--host H] [--fault SPEC]...
                                     run the simulated farm alone and print its URL and test credentials

Options (each has an environment variable twin; see the README):
${ALL_OPTIONS.filter((o) => o.flag)
  .map((o) => `  --${o.flag}${o.type === 'string' ? ' <value>' : ''}`.padEnd(30) + o.description)
  .join('\n')}
  --help                        show this help
  --version                     print the version
`;

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'sandbox') {
    const { runSandboxCommand } = await import('./sandbox/cli.js');
    return runSandboxCommand(argv.slice(1));
  }
  const { sources, extra } = readCommandLine(argv, process.env, ALL_OPTIONS, { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' } });
  // --help and --version are answered outside the protocol, before any server starts.
  if (extra.help) return void process.stdout.write(USAGE);
  if (extra.version) return void process.stdout.write(`${VERSION}\n`);

  const settings = loadServerSettings(sources);
  const logger = createLogger(settings.logLevel);
  let config: ConnectorConfig;
  let sandbox: { url: string; close(): Promise<void> } | undefined;
  if (settings.sandbox) {
    const { startSandbox } = await import('./sandbox/server.js');
    const started = await startSandbox({ seed: settings.seed, speed: settings.speed });
    sandbox = started;
    config = started.connectorConfig();
    logger.info(`SANDBOX MODE: serving a simulated farm at ${started.url} (seed ${settings.seed}, speed ${settings.speed}x); no real account is used`);
  } else {
    config = loadConnectorConfig(sources);
  }
  const connector = new Connector(config, { logger });
  const mcp = createMcpServer({ connector, logger, settings, ...(sandbox ? { sandbox: { url: sandbox.url } } : {}) });
  await runStdio(mcp, async () => {
    await connector.close();
    await sandbox?.close();
  });
  logger.debug(`serving ${config.domain} (${config.scheme} scheme) over stdio`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`rayvision-mcp: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`rayvision-mcp: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
