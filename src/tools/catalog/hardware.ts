import { z } from 'zod';
import type { HardwareConfig } from '../../client/api/index.js';
import { defineTool, RefusedError, type Preview, type ToolContext } from '../define.js';
import { estimateCost, estimateText, framesLeft } from '../support/cost.js';
import { blocks, compact, plural, tsv } from '../support/format.js';
import { summarizeTask, taskLine } from '../support/records.js';
import { costlyFields, previewFirst } from '../safety.js';
import { item, softwareName, taskIds } from '../support/schema.js';

const toolset = 'hardware';

type ConfigSummary = {
  id: number;
  type?: string;
  model?: string;
  gpus?: string;
  ram?: string;
  platform?: number;
  enabled?: boolean;
  current?: boolean;
  unsupported_software?: string[];
};

function summarizeConfig(c: HardwareConfig): ConfigSummary {
  const gpus = c.gpuNum === null || c.gpuNum === undefined || c.gpuNum === '' || c.gpuNum === 'null' ? undefined : String(c.gpuNum);
  return compact({
    id: c.id,
    type: c.type === 1 ? 'cpu' : c.type === 2 ? 'gpu' : undefined,
    model: c.model ?? undefined,
    gpus,
    ram: c.ram ?? undefined,
    platform: c.platform ?? undefined,
    enabled: c.status === null || c.status === undefined ? undefined : c.status === 1,
    // Seed 001 describes `current` backwards ("false: is the current configuration"); its example marks exactly one
    // entry true, so true is read as "this is the task's configuration".
    current: c.current === true || c.current === 'true' ? true : undefined,
    unsupported_software: (c.notSupportCgId ?? []).map(softwareName),
  });
}

/** `337 1080Ti 64GB` */
const configLabel = (c: ConfigSummary) => [c.id, c.model, c.gpus ? `${c.gpus} GPU` : undefined, c.ram].filter(Boolean).join(' ');

export const listHardwareConfigs = defineTool({
  toolset,
  operation: 'list_hardware_configs',
  description: 'Machine configurations (model, RAM, GPUs) of the platform; task_ids marks their current one.',
  input: () => ({ task_ids: taskIds.optional() }),
  output: () => ({ configs: z.array(item({ id: z.number() })) }),
  handler: async (args, ctx) => {
    const configs = (await ctx.api.hardware.configs(args.task_ids)).map(summarizeConfig);
    const marking = Boolean(args.task_ids);
    const columns = ['id', 'type', 'model', 'gpus', 'ram', 'platform', 'status', 'unsupported_software', ...(marking ? ['current'] : [])];
    const rows = configs.map((c) => [
      c.id,
      c.type,
      c.model,
      c.gpus,
      c.ram,
      c.platform,
      c.enabled === false ? 'disabled' : 'enabled',
      c.unsupported_software?.join(' '),
      ...(marking ? [c.current ? 'yes' : ''] : []),
    ]);
    const current = configs.filter((c) => c.current);
    return {
      text: blocks(
        `${plural(configs.length, 'hardware configuration')}.`,
        configs.length ? tsv(columns, rows) : undefined,
        marking
          ? current.length
            ? `Current for task ${args.task_ids!.join(', ')}: ${current.map(configLabel).join(', ')}.`
            : `The farm marked no configuration as current for task ${args.task_ids!.join(', ')}.`
          : undefined,
        configs.length ? 'edit_task_hardware_config takes one of these ids.' : undefined,
      ),
      structured: { configs },
    };
  },
});

export const listPackNodes = defineTool({
  toolset,
  operation: 'list_pack_nodes',
  description: 'Your reserved-machine (pack node) plans, by id and name.',
  input: () => ({}),
  output: () => ({ plans: z.array(item({ id: z.number() })) }),
  handler: async (_args, ctx) => {
    const nodes = await ctx.api.hardware.packNodes();
    const plans = nodes.filter((p) => p && typeof p.packNodeId === 'number').map((p) => compact({ id: p.packNodeId!, name: p.packName ?? undefined }));
    return {
      text: plans.length
        ? blocks(
            `${plural(plans.length, 'reserved machine plan')}.`,
            tsv(
              ['id', 'name'],
              plans.map((p) => [p.id, p.name]),
            ),
          )
        : 'No reserved machine plans.',
      structured: { plans },
    };
  },
});

/** What moving tasks to a configuration would change: checked against the farm, nothing sent. */
async function movePlan(ctx: ToolContext, args: { task_ids: number[]; hardware_config_id: number }) {
  const { tasks, missing } = await ctx.api.tasks.find(args.task_ids);
  if (missing.length) throw new RefusedError(`No task with id ${missing.join(', ')} exists on the farm; nothing was changed.`);
  // One list per task: `current` marks the configuration of the tasks asked about, so ask task by task.
  const perTask = await Promise.all(args.task_ids.map((id) => ctx.api.hardware.configs([id])));
  const configs = (perTask[0] ?? []).map(summarizeConfig);
  const target = configs.find((c) => c.id === args.hardware_config_id);
  if (!target) {
    const near = [...configs].sort((a, b) => Math.abs(a.id - args.hardware_config_id) - Math.abs(b.id - args.hardware_config_id)).slice(0, 5);
    throw new RefusedError(
      `There is no hardware configuration ${args.hardware_config_id}${near.length ? `; nearest: ${near.map(configLabel).join(', ')}` : ''}. Nothing was changed; list_hardware_configs lists them all.`,
    );
  }
  if (target.enabled === false)
    throw new RefusedError(`Hardware configuration ${configLabel(target)} is disabled; pick an enabled one from list_hardware_configs. Nothing was changed.`);
  const unsupported = tasks.filter((t) => t.cgId && target.unsupported_software?.includes(softwareName(t.cgId)));
  if (unsupported.length) {
    throw new RefusedError(
      `Hardware configuration ${configLabel(target)} does not support ${[...new Set(unsupported.map((t) => softwareName(t.cgId)))].join(', ')}, used by task ${unsupported.map((t) => t.id).join(', ')}; nothing was changed.`,
    );
  }
  const rows = args.task_ids.map((id, i) => {
    const task = tasks.find((t) => t.id === id)!;
    const old = (perTask[i] ?? []).map(summarizeConfig).find((c) => c.current);
    return { task, old };
  });
  const items = rows.map(({ task, old }) =>
    compact({ ...summarizeTask(task), from: old ? configLabel(old) : undefined, to: configLabel(target), unchanged: old?.id === target.id ? true : undefined }),
  );
  const lines = rows.map(
    ({ task, old }) => `${taskLine(task)}: ${old ? configLabel(old) : 'unknown'} → ${configLabel(target)}${old?.id === target.id ? ' (already)' : ''}`,
  );
  const changing = rows.filter(({ old }) => old?.id !== target.id);
  const estimate = await estimateCost(
    ctx,
    changing.map(({ task }) => ({ task, frames: framesLeft(task) })),
  );
  // The farm has no price per configuration: the estimate is at the tasks' cost so far, and says so.
  if (changing.length && estimate.frames) estimate.basis += '; at the current configuration, so the new one may cost more or less per frame';
  const preview: Preview = {
    action: `move ${plural(changing.length, 'task')} to hardware configuration ${configLabel(target)}`,
    lines,
    items,
    estimate,
    ...(changing.length === 0
      ? { blocked: `${plural(rows.length, 'task')} already use${rows.length === 1 ? 's' : ''} hardware configuration ${configLabel(target)}` }
      : {}),
  };
  return { preview, target, changing };
}

export const editTaskHardwareConfig = defineTool({
  toolset,
  operation: 'edit_task_hardware_config',
  description: 'Move tasks to another hardware configuration; changes price and speed. Previews old → new first.',
  input: () => ({
    task_ids: taskIds.max(50),
    hardware_config_id: z.number().int().min(1).max(1e9).describe('Id from list_hardware_configs'),
    dry_run: previewFirst,
  }),
  output: () => ({ dry_run: z.boolean(), config: item({}), tasks: z.array(item({})), message: z.string(), ...costlyFields }),
  preview: async (args, ctx) => (await movePlan(ctx, args)).preview,
  handler: async (args, ctx) => {
    const { preview, target, changing } = await movePlan(ctx, args);
    const estimate = preview.estimate!;
    const base = { config: target, tasks: preview.items, estimate };
    if (preview.blocked) {
      const message = `${preview.blocked}; nothing was changed.`;
      return { text: blocks(message, preview.lines.join('\n')), structured: { dry_run: args.dry_run, ...base, message } };
    }
    if (args.dry_run) {
      const message = `Dry run: nothing was changed. Call again with dry_run false to ${preview.action}; rendering cost and speed change with it.`;
      return {
        text: blocks(`Would ${preview.action}:`, preview.lines.join('\n'), estimateText(estimate), message),
        structured: { dry_run: true, ...base, message },
      };
    }
    await ctx.api.hardware.moveTasks({
      taskIds: changing.map(({ task }) => task.id),
      configId: target.id,
      model: target.model ?? 'default',
      gpuNum: target.gpus ?? '',
      ram: target.ram ?? '',
    });
    const message = `Moved ${plural(changing.length, 'task')} to hardware configuration ${configLabel(target)}.`;
    return { text: blocks(message, preview.lines.join('\n')), structured: { dry_run: false, ...base, message } };
  },
});
