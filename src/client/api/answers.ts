import type { EndpointId } from '../operations.js';
import type { AccountAnswers } from './account.js';
import type { EnvironmentAnswers } from './environments.js';
import type { FrameAnswers } from './frames.js';
import type { HardwareAnswers } from './hardware.js';
import type { LabelAnswers } from './labels.js';
import type { LogAnswers } from './logs.js';
import type { TaskAnswers } from './tasks.js';
import type { TransferAnswers } from './transfer.js';

/** Names, in the compiler's error, every endpoint of the catalog that has no answer type. */
type EveryEndpoint<T extends Record<EndpointId, unknown>> = T;

/**
 * The `data` each endpoint answers with, as the farm sends it. Each area module declares its own; an endpoint added
 * to the catalog without one does not compile here.
 */
export type Answers = EveryEndpoint<
  TaskAnswers & FrameAnswers & LogAnswers & AccountAnswers & TransferAnswers & HardwareAnswers & LabelAnswers & EnvironmentAnswers
>;
