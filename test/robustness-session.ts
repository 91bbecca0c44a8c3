import type { Sandbox } from '../src/sandbox/server.js';
import { StdioSession } from './helpers/stdio-session.js';
import { CANARY_ACCESS_KEY } from './helpers/canary.js';

/** The built server over stdio for the robustness tests (fast and soak), keeping every byte it writes. */
export type Session = StdioSession;
export type { Message } from './helpers/stdio-session.js';

/** The environment of the real server (not --sandbox) pointed at a farm, with the canary as its access key. */
export function serverEnv(farm: Sandbox, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('RAYVISION_'))),
    RAYVISION_API_ACCESS_ID: farm.accessId,
    RAYVISION_API_ACCESS_KEY: CANARY_ACCESS_KEY,
    RAYVISION_API_DOMAIN: farm.domain,
    RAYVISION_API_PROTOCOL: 'http',
    RAYVISION_API_PLATFORM: '2',
    RAYVISION_API_TIMEOUT_MS: '1000',
    RAYVISION_LOG_LEVEL: 'debug',
    ...extra,
  };
}

/** Starts the session: initialize, then the initialized notification. */
export async function openSession(env: NodeJS.ProcessEnv): Promise<Session> {
  const session = new StdioSession(env);
  const init = await session.initialize('robustness');
  if (!init.result) throw new Error(`initialize failed: ${JSON.stringify(init.error)}\n${session.stderr}`);
  return session;
}
