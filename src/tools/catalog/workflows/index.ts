import { configureRenderEnv } from './configure-env.js';
import { jobStatusSummary } from './job-status.js';
import { resubmitFailures } from './resubmit.js';
import { triageFailures } from './triage.js';
import { waitForTasks } from './wait.js';

/** The workflow tools: one call instead of many, for the three uses the server exists for. */
export const WORKFLOW_TOOLS = [jobStatusSummary, waitForTasks, triageFailures, resubmitFailures, configureRenderEnv];
