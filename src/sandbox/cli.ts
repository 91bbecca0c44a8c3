import { ConfigError, readCommandLine } from '../client/options.js';
import { DEFAULT_BALANCE } from './farm/account.js';
import { parseFault } from './faults.js';
import { startSandbox } from './server.js';

const USAGE = `rayvision-mcp sandbox: run the simulated render farm alone

Options:
  --port <n>        port to listen on (default 0: a free one)
  --host <addr>     interface to listen on (default 127.0.0.1)
  --seed <n>        data set seed (default 1)
  --speed <x>       simulated seconds per real second (default 1)
  --tasks <n>       number of top-level tasks to generate (default 320)
  --balance <x>     account balance before anything renders (default 2350.75); below 0 the account is in
                    arrears and its live tasks are stopped for arrears (status 20), e.g. --balance=-50
  --fault <spec>    inject faults, repeatable: [operation:]kind[=value][@rate][xTimes]
                    kinds: latency=ms, code=N, http=status, reset, non-json, hang
                    e.g. --fault latency=300 --fault get_task_list:http=502@0.2
  --fault-seed <n>  make rate-based faults fire the same way every run
`;

/**
 * `rayvision-mcp sandbox`: not an MCP session, so its URL and test credentials go to stdout for the person who
 * started it. The credentials are generated per run and only open this sandbox.
 */
export async function runSandboxCommand(argv: string[]): Promise<void> {
  const { extra } = readCommandLine(argv, {}, [], {
    port: { type: 'string' },
    host: { type: 'string' },
    seed: { type: 'string' },
    speed: { type: 'string' },
    tasks: { type: 'string' },
    balance: { type: 'string' },
    fault: { type: 'string', multiple: true },
    'fault-seed': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (extra.help) return void process.stdout.write(USAGE);
  const number = (name: string, fallback: number, min: number, max: number) => {
    const text = extra[name];
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isFinite(value) || value < min || value > max)
      throw new ConfigError(`--${name}: must be a number from ${min} to ${max} (got "${String(text)}").`);
    return value;
  };
  const faults = [];
  for (const spec of [extra.fault].flat().filter((f): f is string => typeof f === 'string')) {
    try {
      faults.push(parseFault(spec));
    } catch (error) {
      throw new ConfigError(`--fault: ${(error as Error).message}.`);
    }
  }
  const sandbox = await startSandbox({
    port: number('port', 0, 0, 65535),
    host: typeof extra.host === 'string' ? extra.host : '127.0.0.1',
    seed: number('seed', 1, 0, 2 ** 31),
    speed: number('speed', 1, 0, 100_000),
    taskCount: number('tasks', 320, 1, 100_000),
    balance: number('balance', DEFAULT_BALANCE, -1_000_000, 1_000_000),
    faults,
    ...(extra['fault-seed'] === undefined ? {} : { faultSeed: number('fault-seed', 0, 0, 2 ** 31) }),
  });
  process.stdout.write(
    [
      `Sandbox farm listening at ${sandbox.url}`,
      `  access id:  ${sandbox.accessId}`,
      `  access key: ${sandbox.accessKey}   (test credentials for this run only)`,
      '',
      'Point rayvision-mcp at it with:',
      `  RAYVISION_API_DOMAIN=${sandbox.domain} RAYVISION_API_PROTOCOL=http RAYVISION_API_PLATFORM=2 \\`,
      `  RAYVISION_API_ACCESS_ID=${sandbox.accessId} RAYVISION_API_ACCESS_KEY=${sandbox.accessKey} rayvision-mcp`,
      '',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
