import { z } from 'zod';
import { defineTool } from '../define.js';
import { accountLink, platformsLink } from '../links.js';
import { describePlatforms, describeProfile, describeSettings, timeoutSeconds } from '../support/account.js';
import { compact, duration } from '../support/format.js';
import { item } from '../support/schema.js';

const toolset = 'account';

export const listPlatforms = defineTool({
  toolset,
  operation: 'list_platforms',
  description: 'Render platforms (clusters) of the account; the number goes in RAYVISION_API_PLATFORM.',
  input: () => ({
    zone: z.enum(['china', 'international']).optional().describe('Region; default from domain'),
  }),
  output: () => ({ zone: z.string(), current: z.string(), platforms: z.array(item({})) }),
  handler: async (args, ctx) => {
    const { zone, platforms } = await ctx.api.account.platforms(args.zone);
    return { ...describePlatforms(zone, platforms, ctx.api.account.platform), links: [platformsLink()] };
  },
});

export const getUserProfile = defineTool({
  toolset,
  operation: 'get_user_profile',
  description: 'Account id, balance, coupons, unit prices and account flags; contact details are left out.',
  input: () => ({}),
  output: () => ({ profile: item({}) }),
  handler: async (_args, ctx) => {
    const { text, view } = describeProfile(await ctx.api.account.profile());
    return { text, structured: { profile: view }, links: [accountLink()] };
  },
});

export const getUserSettings = defineTool({
  toolset,
  operation: 'get_user_settings',
  description: 'Account render settings: task timeout, analysis switches, download lock.',
  input: () => ({}),
  output: () => ({
    timeout_seconds: z.number().optional(),
    reported_timeout_hours: z.number().optional(),
    settings: item({}).optional(),
  }),
  handler: async (_args, ctx) => ({ ...describeSettings(await ctx.api.account.settings()), links: [accountLink()] }),
});

export const updateUserSettings = defineTool({
  toolset,
  operation: 'update_user_settings',
  description: 'Set the account-wide task timeout, in seconds (43200 = 12 h).',
  input: () => ({
    timeout_seconds: z
      .number()
      .int()
      .min(60)
      .max(30 * 86_400)
      .describe('Timeout in seconds'),
  }),
  output: () => ({ timeout_seconds: z.number(), previous_seconds: z.number().optional(), message: z.string() }),
  idempotent: true,
  handler: async (args, ctx) => {
    const before = timeoutSeconds(await ctx.api.account.settings());
    await ctx.api.account.updateSettings({ taskOverTimeSec: args.timeout_seconds });
    const was = before === undefined ? '' : ` (was ${before} s, ${duration(before)})`;
    const message = `Task timeout set to ${args.timeout_seconds} s (${duration(args.timeout_seconds)})${was}.`;
    return { text: message, structured: compact({ timeout_seconds: args.timeout_seconds, previous_seconds: before, message }), links: [accountLink()] };
  },
});
