import { expect } from 'vitest';
import { type Cases, expectFields, find, type Row, type Spec } from './checks.js';

const PROJECTS: Spec = { projectNameList: 'array' };

/** Projects and task labels (src/client/operations/labels.ts). */
export const LABEL_CASES = {
  add_project_label: (farm, scheme) => ({
    args: { newName: `project_${scheme}`, status: 0 },
    check: () =>
      expect((farm.call('list_project_labels') as { projectNameList: Row[] }).projectNameList.map((p) => p.projectName)).toContain(`project_${scheme}`),
  }),
  delete_project_label: (farm) => ({
    args: { delName: 'RnD_Tests' },
    check: () => expect((farm.call('list_project_labels') as { projectNameList: Row[] }).projectNameList.map((p) => p.projectName)).not.toContain('RnD_Tests'),
  }),
  list_project_labels: () => ({
    args: {},
    check: (data) => {
      expectFields(data, PROJECTS);
      for (const project of (data as Row).projectNameList as Row[]) expectFields(project, { projectId: 'number', projectName: 'string' });
    },
  }),
  list_projects: () => ({
    args: { flag: 2 },
    check: (data) => {
      expectFields(data, PROJECTS);
      expect(((data as Row).projectNameList as Row[]).map((project) => project.projectName)).toContain('intern_tests');
    },
  }),
  add_task_label: (farm) => {
    const task = find.simple(farm, 25);
    return {
      args: { label: 'needs_review', taskIds: [task.id] },
      check: () => expect(String(farm.taskInfo(task.id as number)?.labels)).toContain('needs_review'),
    };
  },
  delete_task_label: (farm) => {
    const task = find.task(farm, (candidate) => String(candidate.labels).includes('"'));
    const [labelId, labelName] = Object.entries(JSON.parse(String(task.labels)) as Record<string, string>)[0]!;
    return {
      args: { taskIds: [task.id], labelNames: [labelName], labelIds: [Number(labelId)] },
      check: () => expect(String(farm.taskInfo(task.id as number)?.labels)).not.toContain(`"${labelName}"`),
    };
  },
} satisfies Cases;
