import type { ResourceLink } from '@modelcontextprotocol/server';

/** resource_link content pointing at the rayvision:// resources that show the same things live. */
const link = (uri: string, name: string, description?: string): ResourceLink => ({
  type: 'resource_link',
  uri,
  name,
  mimeType: 'text/plain',
  ...(description ? { description } : {}),
});

export const tasksLink = () => link('rayvision://tasks', 'tasks', 'Active and recent tasks');
export const taskLink = (id: number, scene?: string) => link(`rayvision://tasks/${id}`, `task ${id}`, scene);
export const framesLink = (id: number) => link(`rayvision://tasks/${id}/frames`, `frames of task ${id}`);
export const accountLink = () => link('rayvision://account', 'account');
export const platformsLink = () => link('rayvision://platforms', 'platforms');
export const softwareLink = () => link('rayvision://software', 'software', 'Supported software and versions');
export const renderEnvsLink = (cgId: number) => link(`rayvision://render-envs/${cgId}`, `render environments for ${cgId}`);
