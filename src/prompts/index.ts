import { ProtocolError, ProtocolErrorCode, type GetPromptResult, type Prompt, type Server } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { Completions } from '../resources/complete.js';
import { ALL_TOOLS } from '../tools/index.js';
import { isAllowed, type Policy } from '../tools/registry.js';
import { safeLayout } from '../tools/support/sanitize.js';

/**
 * Prompts that lead an assistant through the three workflows the server exists for. Each is offered only when its
 * main tool is (toolsets and read-only mode apply), and its arguments complete from the farm.
 */

/** A prompt's arguments come from the client (and completions from the farm): the text leaves through the sanitiser. */
const say = (text: string): GetPromptResult => ({ messages: [{ role: 'user', content: { type: 'text', text: safeLayout(text) } }] });

const allowed = (name: string, policy: Policy) => {
  const tool = ALL_TOOLS.find((t) => t.name === name);
  return tool !== undefined && isAllowed(tool, policy);
};

/** `2W19097, 19102` → the last id being typed, completed; the ones before it kept. */
async function completeIdList(completions: Completions, typed: string): Promise<string[]> {
  const parts = typed.split(/[,\s]+/);
  const last = parts.pop() ?? '';
  const head = parts.filter(Boolean);
  const prefix = head.length ? `${head.join(', ')}, ` : '';
  return (await completions.taskIds(last)).filter((id) => !head.includes(id)).map((id) => `${prefix}${id}`);
}

const SINCE_HINTS = ['today', 'yesterday', 'last 7 days', 'this week'];
const sinceHints = (typed: string) => SINCE_HINTS.filter((hint) => hint.startsWith(typed.toLowerCase()));

type Complete = (value: string, context: Record<string, string>) => Promise<string[]> | string[];

interface PromptDef<S extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  /** The prompt is offered only when this tool is. */
  tool: string;
  args: S;
  complete?: Partial<Record<keyof S & string, Complete>>;
  render(args: z.infer<z.ZodObject<S>>, policy: Policy): string;
}

const definePrompt = <S extends z.ZodRawShape>(def: PromptDef<S>): PromptDef => def as unknown as PromptDef;

function definitions(completions: Completions): PromptDef[] {
  return [
    definePrompt({
      name: 'check_job_status',
      title: 'Check job status',
      description: 'How are my renders doing: counts, progress with ETA, failures, balance.',
      tool: 'job_status_summary',
      args: {
        since: z.string().max(60).optional().describe('Only tasks submitted since (a date, "today", "Friday")'),
        task_id: z.string().max(40).optional().describe('A task to look at closely (id or alias)'),
      },
      complete: { since: sinceHints, task_id: (typed) => completions.taskIds(typed) },
      render: ({ since, task_id }) =>
        [
          `Check the status of my render jobs${since ? ` submitted since ${since}` : ''}.`,
          `1. Call job_status_summary${since ? " with since (and until, for a single day) in ISO 8601 with my UTC offset, e.g. 2026-11-20T00:00:00-05:00 (work the dates out from today's date)" : ''}.`,
          task_id
            ? `2. Call get_task_info for task ${task_id} and read its frames if something looks wrong.`
            : '2. Pick out what needs my attention: failed tasks, tasks stopped for arrears, tasks that will finish late.',
          '3. Answer in a few sentences and one short table: what is rendering and when it should finish, what failed, whether the balance is enough.',
          '4. Offer next steps only where useful: triage_failures for failed frames, wait_for_tasks to follow running tasks. Change nothing without asking me.',
        ].join('\n'),
    }),
    definePrompt({
      name: 'triage_failed_frames',
      title: 'Triage failed frames',
      description: 'Find failed frames, explain their causes, and resubmit only what can succeed.',
      tool: 'triage_failures',
      args: {
        task_ids: z.string().max(400).optional().describe('Tasks, comma-separated ids or aliases (default: recent)'),
        since: z.string().max(60).optional().describe('Scan tasks submitted since (a date)'),
      },
      complete: { task_ids: (typed) => completeIdList(completions, typed), since: sinceHints },
      render: ({ task_ids, since }, policy) =>
        [
          `Find out why frames failed${task_ids ? ` in tasks ${task_ids}` : since ? ` in tasks submitted since ${since}` : ' in my recent tasks'}, and help me get them rendered.`,
          `1. Call triage_failures${task_ids ? ` with task_ids [${task_ids}]` : since ? ' with since set to that date (yyyy-MM-dd)' : ''}.`,
          '2. For each cause, explain in plain words what went wrong and what I must change; say which ones resubmitting alone will not fix (triage marks them: missing files, licences, plugins, frames that already failed again).',
          allowed('resubmit_failures', policy)
            ? '3. Call resubmit_failures exactly as triage suggests (its default is a dry run), and show me the frames it would resubmit, what it holds back and the estimated cost.\n4. Only after I confirm, call resubmit_failures again with dry_run false (it is billed and resubmits each task once), then offer wait_for_tasks.'
            : '3. This server is read-only: tell me exactly what to resubmit (tasks and frame numbers) so I can do it in the console.',
        ].join('\n'),
    }),
    definePrompt({
      name: 'configure_render_environment',
      title: 'Configure a render environment',
      description: 'Set up a render environment from software, version and plugins, checked against the farm.',
      tool: 'configure_render_env',
      args: {
        software: z.string().max(40).describe('Software name or cgId (maya, 3ds_max, 2000)'),
        version: z.string().max(50).describe('Software version (2022)'),
        plugins: z.string().max(400).optional().describe('Plugins with versions, comma-separated ("redshift 3.0.45")'),
        name: z.string().max(64).optional().describe('Environment name'),
        make_default: z.enum(['yes', 'no']).optional().describe('Make it the default (yes/no)'),
      },
      complete: {
        software: (typed) => completions.software(typed),
        version: (typed, context) => completions.versions(context['software'], typed),
        plugins: (typed, context) => completions.plugins(context['software'], context['version'], typed),
      },
      render: ({ software, version, plugins, name, make_default }) =>
        [
          `Set up a render environment for ${software} ${version}${plugins ? ` with ${plugins}` : ''}${name ? ` named "${name}"` : ''}${make_default === 'yes' ? ', as the default' : ''}.`,
          `1. Call configure_render_env with cg_id "${software}", version "${version}"${
            plugins
              ? `, plugins ${JSON.stringify(
                  plugins
                    .split(',')
                    .map((p) => p.trim())
                    .filter(Boolean),
                )}`
              : ''
          }${name ? `, name "${name}"` : ''}${make_default === 'yes' ? ', make_default true' : ''} and dry_run true.`,
          '2. If the farm does not offer that version or a plugin, show me the nearest ones it lists and ask which to use (get_supported_plugins lists them all).',
          '3. Show me what would be created or changed; if an environment of that name exists with another setup (action choice_needed), show me before and after and ask whether to update it or create a new one (change "update" or "create").',
          '4. After I confirm, call configure_render_env again with dry_run false (and change, if I chose).',
        ].join('\n'),
    }),
  ];
}

/** The prompts of one policy, built once and shared by every server instance. */
export class PromptTable {
  readonly listed: { prompts: Prompt[] };
  private readonly prompts: Map<string, { def: PromptDef; schema: z.ZodObject }>;

  constructor(
    readonly policy: Policy,
    completions: Completions,
  ) {
    const offered = definitions(completions).filter((def) => allowed(def.tool, policy));
    this.prompts = new Map(offered.map((def) => [def.name, { def, schema: z.object(def.args) }]));
    this.listed = {
      prompts: offered.map((def) => ({
        name: def.name,
        title: def.title,
        description: def.description,
        arguments: Object.entries(def.args as Record<string, z.ZodType>).map(([name, schema]) => ({
          name,
          ...(schema.description ? { description: schema.description } : {}),
          required: !schema.safeParse(undefined).success,
        })),
      })),
    };
  }

  get empty(): boolean {
    return this.prompts.size === 0;
  }

  get(name: string, args: Record<string, string> | undefined): GetPromptResult {
    const prompt = this.prompts.get(name);
    if (!prompt) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown prompt "${name}"; prompts/list shows the prompts this server offers.`);
    const parsed = prompt.schema.safeParse(args ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') || 'arguments';
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `${name}: ${issue?.code === 'invalid_type' && issue.input === undefined ? `${field} is required` : `${field}: ${issue?.message}`}.`,
      );
    }
    return say(prompt.def.render(parsed.data, this.policy));
  }

  async complete(name: string, argument: string, value: string, context: Record<string, string>): Promise<string[]> {
    const completers = this.prompts.get(name)?.def.complete;
    const complete = completers && Object.hasOwn(completers, argument) ? completers[argument] : undefined;
    return complete ? complete(value, context) : [];
  }
}

/** Answers prompts/list and prompts/get on one server instance. */
export function installPrompts(server: Server, table: PromptTable): void {
  server.setRequestHandler('prompts/list', () => table.listed);
  server.setRequestHandler('prompts/get', (request) => table.get(request.params.name, request.params.arguments));
}
