import type { BodyOf } from '../operations.js';
import type { FarmLink } from './link.js';

interface ProjectRecord {
  projectId?: number | null;
  projectName?: string | null;
}

type ProjectList = { projectNameList?: ProjectRecord[] | null } | ProjectRecord[] | null;

/** A project: what the classic documents call a "custom label", shown as a task's project. */
export type Project = { id: number; name: string };

export type LabelAnswers = {
  add_project_label: unknown;
  delete_project_label: unknown;
  list_project_labels: ProjectList;
  list_projects: ProjectList;
  add_task_label: unknown;
  delete_task_label: unknown;
};

/** Which task labels to remove: by label id from every task that carries them, or by name from the given tasks. */
export type LabelRemoval = { labelIds: readonly number[] } | { taskIds: readonly number[]; labelNames: readonly string[] };

export class LabelsApi {
  constructor(private readonly link: FarmLink) {}

  /** This account's projects, or with `flag` those of its main account too (1) or of every account under it (2). */
  async projects(flag?: 0 | 1 | 2): Promise<Project[]> {
    const data = flag === undefined ? await this.link.send('list_project_labels') : await this.link.send('list_projects', { flag });
    const list = Array.isArray(data) ? data : (data?.projectNameList ?? []);
    return list.filter((p) => p?.projectName).map((p) => ({ id: Number(p.projectId), name: String(p.projectName) }));
  }

  /** Label status: 0 on, 1 off (seeds 000/001). */
  addProject(body: BodyOf<'add_project_label'>) {
    return this.link.send('add_project_label', body);
  }

  deleteProject(body: BodyOf<'delete_project_label'>) {
    return this.link.send('delete_project_label', body);
  }

  labelTasks(body: BodyOf<'add_task_label'>) {
    return this.link.send('add_task_label', body);
  }

  /**
   * How the dialect removes task labels. Wire: SDK 3.0.4 removes by taskIds + labelNames; the classic interface
   * (seed 000) removes by labelIds, from every task that carries them.
   */
  get removesLabelsById(): boolean {
    return !this.link.sends('delete_task_label', 'labelNames');
  }

  removeTaskLabels(removal: LabelRemoval) {
    return this.link.send('delete_task_label', removal);
  }
}
