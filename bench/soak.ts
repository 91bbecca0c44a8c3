/**
 * `npm run soak`: the robustness suite with its long runs switched on (RAYVISION_SOAK=1): test/robustness*.test.ts,
 * including the 5,000-call session through random faults and farm restarts that the normal test run skips.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ROOT } from './lib/farm.js';

const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const result = spawnSync(process.execPath, [vitest, 'run', 'test/robustness'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, RAYVISION_SOAK: '1' } });
process.exit(result.status ?? 1);
