import { z } from 'zod';
import type { Project, TaskInfo } from '../../client/api/index.js';
import { defineTool, RefusedError, type Preview, type ToolContext } from '../define.js';
import { blocks, compact, plural, tsv } from '../support/format.js';
import { summarizeTask, taskLine } from '../support/records.js';
import { destructiveOutput, doneAnswer } from '../safety.js';
import { item, taskIds } from '../support/schema.js';
import { nearest } from '../support/software.js';
import { plainName, quoted } from '../support/sanitize.js';

const toolset = 'labels';

/**
 * Projects (the classic documents call them "custom labels": get_task_list shows them as a task's project) and task
 * labels (free tags on tasks), api-catalog §5.4.
 */

const projectItem = item({ id: z.number(), name: z.string() });
const projectName = plainName(100).describe('Project name');

function projectAnswer(projects: Project[], scope: string) {
  return {
    text: projects.length
      ? blocks(
          `${plural(projects.length, 'project')} (${scope}).`,
          tsv(
            ['id', 'name'],
            projects.map((p) => [p.id, p.name]),
          ),
        )
      : `No projects (${scope}).`,
    structured: { projects },
  };
}

export const listProjectLabels = defineTool({
  toolset,
  operation: 'list_project_labels',
  description: 'Projects (custom labels) of this account, by id and name.',
  input: () => ({}),
  output: () => ({ projects: z.array(projectItem) }),
  handler: async (_args, ctx) => projectAnswer(await ctx.api.labels.projects(), 'this account'),
});

const SCOPES = { own: 0, own_and_main: 1, all_under_main: 2 } as const;
const SCOPE_TEXT = { own: 'this account', own_and_main: 'this account and its main account', all_under_main: 'every account under the same main account' };

export const listProjects = defineTool({
  toolset,
  operation: 'list_projects',
  description: 'Projects of this account, or also of its main account, or of all accounts under it.',
  input: () => ({ scope: z.enum(['own', 'own_and_main', 'all_under_main']).default('own').describe('Whose projects') }),
  output: () => ({ projects: z.array(projectItem) }),
  handler: async (args, ctx) => projectAnswer(await ctx.api.labels.projects(SCOPES[args.scope]), SCOPE_TEXT[args.scope]),
});

export const addProjectLabel = defineTool({
  toolset,
  operation: 'add_project_label',
  description: 'Create a project (custom label) that tasks can be filed under.',
  input: () => ({
    name: projectName,
    enabled: z.boolean().default(true).describe('Status on'),
  }),
  output: () => ({ project: item({}), message: z.string() }),
  handler: async (args, ctx) => {
    const before = await ctx.api.labels.projects();
    const existing = before.find((p) => p.name === args.name);
    if (existing) throw new RefusedError(`Project "${args.name}" already exists (id ${existing.id}); nothing was changed.`);
    // Label status: 0 on, 1 off (seeds 000/001); the SDK's own helper creates projects with 0.
    await ctx.api.labels.addProject({ newName: args.name, status: args.enabled ? 0 : 1 });
    const created = (await ctx.api.labels.projects()).find((p) => p.name === args.name);
    const message = `Created project "${args.name}"${created ? ` (id ${created.id})` : ''}.`;
    return { text: message, structured: { project: created ?? { name: args.name }, message } };
  },
});

/** The newest tasks (5 pages, 500 at most) and how many exist: enough to say how many tasks a project or label touches. */
const recentTasks = (ctx: ToolContext) => ctx.api.tasks.listAll({}, { maxPages: 5 });

/** `used by 3 tasks`, or `used by 3 of the newest 500 tasks (620 in all)` when not every task was seen. */
function usedBy(count: number, scanned: number, total: number): string {
  return scanned >= total ? `used by ${plural(count, 'task')}` : `used by ${count} of the newest ${scanned} tasks (${total} in all)`;
}

export const deleteProjectLabel = defineTool({
  toolset,
  operation: 'delete_project_label',
  description: 'Delete a project (custom label). Asks for confirmation first.',
  input: () => ({ name: projectName }),
  output: destructiveOutput,
  idempotent: true,
  preview: async (args, ctx) => {
    const projects = await ctx.api.labels.projects();
    const project = projects.find((p) => p.name === args.name);
    if (!project) {
      const near = nearest(
        projects.map((p) => p.name),
        args.name,
        5,
      );
      throw new RefusedError(
        `There is no project named "${args.name}"${near.length ? `; existing: ${near.map(quoted).join(', ')}` : ''}. Nothing was changed.`,
      );
    }
    const { tasks, total } = await recentTasks(ctx);
    const count = tasks.filter((t) => t.projectName === project.name).length;
    return {
      action: `delete project ${quoted(project.name)}`,
      lines: [`${project.id}  ${quoted(project.name)}  ${usedBy(count, tasks.length, total)}`],
      items: [{ ...project, tasks: count }],
    };
  },
  handler: async (args, ctx) => {
    await ctx.api.labels.deleteProject({ delName: args.name });
    return doneAnswer(`Deleted project "${args.name}".`, [{ name: args.name }]);
  },
});

const labelText = plainName(50);

/**
 * A task's labels by id. The farm writes `labels` as a JSON object of label id → name (seed 001's example is "{}");
 * a plain comma-separated string or a list is read too. undefined when the farm does not say.
 */
function taskLabelMap(task: TaskInfo): Map<string, string> | undefined {
  const raw = task.labels as unknown;
  if (raw === null || raw === undefined) return undefined;
  let value: unknown = raw;
  if (typeof raw === 'string' && /^\s*[[{]/.test(raw)) {
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
  }
  const entries: [string, string][] = Array.isArray(value)
    ? value.map((l, i) =>
        l && typeof l === 'object'
          ? [String((l as { labelId?: unknown }).labelId ?? i), String((l as { labelName?: unknown }).labelName ?? '')]
          : [String(i), String(l)],
      )
    : value && typeof value === 'object'
      ? Object.entries(value).map(([id, name]) => [id, String(name)])
      : String(value)
          .split(/[,;]/)
          .map((name, i) => [String(i), name]);
  return new Map(entries.map(([id, name]) => [id, name.trim()] as [string, string]).filter(([, name]) => name !== ''));
}

function taskLabels(task: TaskInfo): string[] | undefined {
  const map = taskLabelMap(task);
  return map ? [...new Set(map.values())] : undefined;
}

export const addTaskLabel = defineTool({
  toolset,
  operation: 'add_task_label',
  description: 'Attach a label (tag) to tasks.',
  input: () => ({ task_ids: taskIds, label: labelText.describe('Label text') }),
  output: () => ({ label: z.string(), tasks: z.array(item({})), message: z.string() }),
  handler: async (args, ctx) => {
    await ctx.api.labels.labelTasks({ label: args.label, taskIds: args.task_ids });
    const { tasks, missing } = await ctx.api.tasks.find(args.task_ids);
    const message = `Labelled ${plural(args.task_ids.length, 'task')} "${args.label}".`;
    const lines = tasks.map((t) => `${taskLine(t)}  labels: ${(taskLabels(t) ?? [args.label]).map(quoted).join(', ')}`);
    return {
      text: blocks(message, lines.join('\n'), missing.length ? `Not found on the farm: ${missing.join(', ')}.` : undefined),
      structured: { label: args.label, tasks: tasks.map((t) => ({ ...summarizeTask(t), labels: taskLabels(t) ?? [args.label] })), message },
    };
  },
});

export const deleteTaskLabel = defineTool({
  toolset,
  operation: 'delete_task_label',
  description: 'Remove labels from tasks (classic API: by label_ids). Asks for confirmation first.',
  input: () => ({
    task_ids: taskIds.optional(),
    label_names: z.array(labelText).min(1).max(20).optional().describe('Labels to remove'),
    label_ids: z.array(z.number().int().min(1).max(1e9)).min(1).max(50).optional().describe('Label ids (classic)'),
  }),
  output: destructiveOutput,
  idempotent: true,
  preview: async (args, ctx) => {
    if (ctx.api.labels.removesLabelsById) return labelIdPreview(ctx, args);
    if (args.label_ids) throw new RefusedError('label_ids is for the classic API; this farm removes labels by task_ids and label_names. Nothing was changed.');
    if (!args.task_ids || !args.label_names)
      throw new RefusedError('Pass task_ids and label_names (the labels to remove from those tasks). Nothing was changed.');
    return labelPreview(ctx, args.task_ids, args.label_names);
  },
  handler: async (args, ctx) => {
    const byId = ctx.api.labels.removesLabelsById;
    await ctx.api.labels.removeTaskLabels(byId ? { labelIds: args.label_ids! } : { taskIds: args.task_ids!, labelNames: args.label_names! });
    const names = args.label_names?.map((l) => `"${l}"`).join(', ');
    const what = byId
      ? `task label ${args.label_ids!.join(', ')} from every task that carried it`
      : `label${args.label_names!.length === 1 ? '' : 's'} ${names} from ${plural(args.task_ids!.length, 'task')}`;
    const affected = byId ? args.label_ids!.map((id) => ({ label_id: id })) : args.task_ids!.map((id) => ({ id, removed: args.label_names }));
    return doneAnswer(`Removed ${what}.`, affected);
  },
});

async function labelPreview(ctx: ToolContext, ids: readonly number[], names: readonly string[]): Promise<Preview> {
  const { tasks, missing } = await ctx.api.tasks.find(ids);
  if (!tasks.length) throw new RefusedError(`No task with id ${ids.join(', ')} exists on the farm; nothing was changed.`);
  const known = tasks.every((t) => taskLabels(t) !== undefined);
  const affected = tasks.map((t) => {
    const labels = taskLabels(t);
    return { task: t, labels, removes: labels ? names.filter((n) => labels.includes(n)) : [...names] };
  });
  // Only when the farm shows every task's labels can we tell that nothing would be removed.
  if (known && affected.every((a) => a.removes.length === 0)) {
    throw new RefusedError(`None of task ${tasks.map((t) => t.id).join(', ')} carries ${names.map((n) => `"${n}"`).join(', ')}; nothing to remove.`);
  }
  const lines = affected.map(
    (a) =>
      `${taskLine(a.task)}  labels: ${a.labels?.map(quoted).join(', ') || (a.labels ? 'none' : 'unknown')}  removes: ${a.removes.map(quoted).join(', ') || 'nothing'}`,
  );
  for (const id of missing) lines.push(`${id}  (not found on the farm)`);
  const action = `remove ${names.map(quoted).join(', ')} from ${plural(tasks.length, 'task')}`;
  return { action, lines, items: affected.map((a) => ({ ...summarizeTask(a.task), labels: a.labels ?? [], removes: a.removes })) };
}

/**
 * A dialect that removes labels by id (classic, seed 000) removes them from every task that carries them, so the
 * preview says which labels those are and how many tasks lose them; given task_ids and label_names instead, it names
 * the ids to pass.
 */
async function labelIdPreview(ctx: ToolContext, args: { task_ids?: number[]; label_names?: string[]; label_ids?: number[] }): Promise<Preview> {
  if (!args.label_ids) {
    let known = '';
    if (args.task_ids && args.label_names) {
      const { tasks } = await ctx.api.tasks.find(args.task_ids);
      const ids = new Map<string, string>();
      for (const [id, name] of tasks.flatMap((t) => [...(taskLabelMap(t) ?? [])])) if (args.label_names.includes(name) && /^\d+$/.test(id)) ids.set(name, id);
      known = ids.size ? ` (${[...ids].map(([name, id]) => `${quoted(name)}=${id}`).join(', ')})` : '';
    }
    throw new RefusedError(
      `This farm uses the classic API, which removes a label by id from every task that carries it: pass label_ids${known}. Nothing was changed.`,
    );
  }
  const { tasks, total } = await recentTasks(ctx);
  const labels = args.label_ids.map((id) => {
    const carrying = tasks.filter((t) => taskLabelMap(t)?.has(String(id)));
    return { label_id: id, name: carrying.map((t) => taskLabelMap(t)!.get(String(id))).find(Boolean), tasks: carrying.length };
  });
  if (tasks.length >= total && labels.every((l) => l.tasks === 0)) {
    throw new RefusedError(`No task carries label ${args.label_ids.join(', ')}; nothing to remove.`);
  }
  return {
    action: `remove task label ${args.label_ids.join(', ')} from every task that carries it`,
    lines: labels.map((l) => `${l.label_id}  ${l.name ? quoted(l.name) : '(name unknown)'}  ${usedBy(l.tasks, tasks.length, total)}`),
    items: labels.map((l) => compact(l)),
  };
}
