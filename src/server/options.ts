import { CONNECTION_OPTIONS } from '../client/config.js';
import type { OptionSpec } from '../client/options.js';
import { SERVER_OPTIONS } from './config.js';
import { HTTP_OPTIONS } from './http-options.js';

/** Every option the server reads, in the order the README's table shows them. Free of side effects, unlike cli.ts. */
export const ALL_OPTIONS: readonly OptionSpec[] = [...Object.values(CONNECTION_OPTIONS), ...Object.values(SERVER_OPTIONS), ...Object.values(HTTP_OPTIONS)];
