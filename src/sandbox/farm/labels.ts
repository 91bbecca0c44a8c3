import { FarmError } from '../types.js';

/**
 * Projects (the classic "custom labels": projectNameList) and task labels. Task labels live in one account-wide
 * dictionary so that each name has an id: the classic delete interface removes labels by id (seed 000), the
 * current one by task ids and names (seed 001).
 */

interface Project {
  projectId: number;
  projectName: string;
  /** 0 on, 1 off. */
  status: number;
  /** Whose project it is: `list_projects` flag 0 shows own, 2 also the sub-accounts'. */
  owner: 'own' | 'sub';
}

const PROJECTS = ['myLabel', 'Aurora_Commercial', 'Nightfall_S01', 'ProductViz_Q3', 'ArchViz_Villa', 'Short_Film_Ember', 'Client_Reviews', 'RnD_Tests'];
const SUB_ACCOUNT_PROJECTS = ['freelancer_lookdev', 'intern_tests'];
const TASK_LABELS = ['approved', 'client_review', 'final', 'wip', 'rerender', 'urgent'];

export class Labels {
  private readonly projects: Project[] = [];
  private nextProjectId = 3671;
  private readonly labelNames = new Map<number, string>();
  private readonly labelIdsByName = new Map<string, number>();
  private nextLabelId = 21205;

  constructor() {
    for (const name of PROJECTS) this.projects.push({ projectId: this.nextProjectId++, projectName: name, status: 0, owner: 'own' });
    for (const name of SUB_ACCOUNT_PROJECTS) this.projects.push({ projectId: this.nextProjectId++, projectName: name, status: 0, owner: 'sub' });
    for (const name of TASK_LABELS) this.labelId(name);
  }

  /** The account's own project names (tasks are filed under these). */
  ownProjectNames(): string[] {
    return this.projects.filter((project) => project.owner === 'own' && project.projectName !== 'myLabel').map((project) => project.projectName);
  }

  /** `{projectNameList: [{projectId, projectName}]}`; flag 0/1 = this (main) account, 2 = also its sub-accounts. */
  projectList(flag = 0): { projectNameList: { projectId: number; projectName: string }[] } {
    const projects = this.projects.filter((project) => flag === 2 || project.owner === 'own');
    return { projectNameList: projects.map(({ projectId, projectName }) => ({ projectId, projectName })) };
  }

  addProject(name: string, status: number): void {
    if (this.projects.some((project) => project.projectName === name)) throw new FarmError(600, `project name "${name}" already exists`);
    this.projects.push({ projectId: this.nextProjectId++, projectName: name, status, owner: 'own' });
  }

  deleteProject(name: string): void {
    const index = this.projects.findIndex((project) => project.projectName === name && project.owner === 'own');
    if (index < 0) throw new FarmError(404, `project "${name}" does not exist`);
    this.projects.splice(index, 1);
  }

  /** Ids of the predefined task labels. */
  presetLabelIds(): number[] {
    return [...this.labelNames.keys()];
  }

  /** The id of a task label name, created on first use. */
  labelId(name: string): number {
    let id = this.labelIdsByName.get(name);
    if (id === undefined) {
      id = this.nextLabelId++;
      this.labelIdsByName.set(name, id);
      this.labelNames.set(id, name);
    }
    return id;
  }

  knownLabelId(name: string): number | undefined {
    return this.labelIdsByName.get(name);
  }

  labelName(id: number): string | undefined {
    return this.labelNames.get(id);
  }

  /** A task's `labels` field: a JSON object of label id → name (seed 001's example is `"{}"`). */
  labelsField(ids: readonly number[]): string {
    return JSON.stringify(Object.fromEntries(ids.map((id) => [String(id), this.labelNames.get(id) ?? ''])));
  }
}
