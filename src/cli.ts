#!/usr/bin/env node
import { Connector } from './client/connector.js';
import { loadConnectorConfig, type ConnectorConfig } from './client/config.js';
import { createLogger, type Logger } from './client/log.js';
import { ConfigError, readCommandLine } from './client/options.js';
import { loadServerSettings } from './server/config.js';
import { ServerSurface, type ServerDeps } from './server/create.js';
import { idleHttpOptions, loadHttpSettings, type HttpSettings } from './server/http-options.js';
import { createConfirmations } from './tools/confirm.js';
import { ALL_OPTIONS } from './server/options.js';
import { runStdio } from './server/stdio.js';
import { noteIfTerminal } from './server/terminal.js';
import { VERSION } from './server/version.js';

export { ALL_OPTIONS };

const USAGE = `rayvision-mcp ${VERSION}: MCP server for the Rayvision render farms

Usage:
  rayvision-mcp [options]            serve MCP over stdio (set RAYVISION_API_ACCESS_ID and _KEY)
  rayvision-mcp --sandbox [options]  serve MCP over stdio, wired to an embedded simulated farm
  rayvision-mcp --http [--port 3000] [--host 127.0.0.1] [--stateless] [options]
                                     serve MCP over Streamable HTTP at /mcp (health check at /healthz)
  rayvision-mcp sandbox [--port 0] [--seed N] [--speed X] [--host H] [--fault SPEC]...
                                     run the simulated farm alone and print its URL and test credentials

Options (each has an environment variable twin; see the README):
${ALL_OPTIONS.filter((o) => o.flag)
  .map((o) => `  --${o.flag}${o.type === 'string' ? ' <value>' : ''}`.padEnd(30) + o.description)
  .join('\n')}
  --help                        show this help
  --version                     print the version
`;

async function serveHttp(http: HttpSettings, surface: ServerSurface, logger: Logger, cleanup: () => Promise<void>): Promise<void> {
  // Loaded only here: a stdio server never needs the HTTP transport, and importing it slows every cold start.
  const { startHttpServer } = await import('./server/http.js');
  const server = await startHttpServer(http, { surface, logger });
  const mode = http.stateless ? 'stateless' : 'with sessions';
  logger.info(
    `serving MCP over HTTP at ${server.url} (${mode}; ${http.token ? 'bearer token required' : 'loopback only, no token'}); health check at ${server.url.replace(/\/mcp$/, '/healthz')}`,
  );
  if (http.stateless && !http.confirmationSecret) {
    logger.warn(
      'stateless mode without RAYVISION_CONFIRMATION_SECRET: a confirmation token is honoured only by the process that issued it; give every replica the same secret.',
    );
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal} received; closing sessions and stopping`);
    void server
      .close()
      .then(cleanup)
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'sandbox') {
    const { runSandboxCommand } = await import('./sandbox/cli.js');
    return runSandboxCommand(argv.slice(1));
  }
  const { sources, extra } = readCommandLine(argv, process.env, ALL_OPTIONS, { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' } }, [
    'sandbox',
  ]);
  // --help and --version are answered outside the protocol, before any server starts.
  if (extra.help) return void process.stdout.write(USAGE);
  if (extra.version) return void process.stdout.write(`${VERSION}\n`);

  const settings = loadServerSettings(sources);
  const http = loadHttpSettings(sources);
  const logger = createLogger(settings.logLevel);
  const idle = idleHttpOptions(sources);
  if (idle.length) logger.warn(`${idle.join(', ')} ${idle.length === 1 ? 'has' : 'have'} no effect without --http (RAYVISION_HTTP=1); serving over stdio`);
  let config: ConnectorConfig;
  let sandbox: { url: string; close(): Promise<void> } | undefined;
  if (settings.sandbox) {
    const { startSandbox } = await import('./sandbox/server.js');
    const started = await startSandbox({ seed: settings.seed, speed: settings.speed });
    sandbox = started;
    config = started.connectorConfig();
    logger.info(
      `SANDBOX MODE: a simulated farm (seed ${settings.seed}, speed ${settings.speed}x) serves the farm's API at ${started.url}; that is where the server sends its farm calls, not the MCP endpoint; no real account is used`,
    );
  } else {
    config = loadConnectorConfig(sources);
  }
  if (!http.enabled) noteIfTerminal({ sandbox: settings.sandbox, silent: settings.logLevel === 'silent' });
  const connector = new Connector(config, { logger });
  const deps: ServerDeps = {
    connector,
    logger,
    settings,
    confirmations: createConfirmations(settings.confirmationMode, http.confirmationSecret),
    ...(sandbox ? { sandbox: { url: sandbox.url } } : {}),
  };
  const cleanup = async () => {
    await connector.close();
    await sandbox?.close();
  };
  const surface = new ServerSurface(deps);
  if (http.enabled) return serveHttp(http, surface, logger, cleanup);
  runStdio(surface, logger, cleanup);
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
