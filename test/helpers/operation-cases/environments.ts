import { expect } from 'vitest';
import { type Cases, expectFields, find, type Row, type Spec } from './checks.js';

const ENV: Spec = {
  cgId: 'number',
  editName: 'string',
  cgName: 'string',
  cgVersion: 'string',
  osName: 'number',
  renderLayerType: 'number',
  isDefault: 'number',
  respUserPluginInfoVos: 'array',
};

/** Supported software and plugins, and render environments (src/client/operations/environments.ts). */
export const ENVIRONMENT_CASES = {
  get_supported_software: () => ({
    args: {},
    check: (data) => {
      expectFields(data, { isAutoCommit: 'number', renderInfoList: 'array', defaultCgId: 'number' });
      const software = (data as Row).renderInfoList as Row[];
      expect(software.map((app) => app.cgId)).toEqual([2000, 2001, 2004, 2005, 2007, 2008, 2012, 2013]);
      for (const app of software)
        expectFields(app, {
          cgId: 'number',
          cgName: 'string',
          cgType: 'string',
          iconPath: 'string',
          isNeedProjectPath: 'number',
          isNeedAnalyse: 'number',
          isSupportLinux: 'number',
        });
    },
  }),
  get_supported_plugins: () => ({
    args: { cgId: 2000, osName: 'windows' },
    check: (data) => {
      expectFields(data, { cgPlugin: 'array', cgVersion: 'array' });
      const { cgPlugin, cgVersion } = data as { cgPlugin: Row[]; cgVersion: Row[] };
      for (const version of cgVersion) expectFields(version, { id: 'number', cgId: 'number', cgName: 'string', cgVersion: 'string' });
      for (const plugin of cgPlugin) {
        expectFields(plugin, { cvId: 'number', pluginName: 'string', pluginVersions: 'array' });
        expect(cgVersion.map((version) => version.id)).toContain(plugin.cvId);
      }
    },
  }),
  add_render_env: (farm, scheme) => ({
    args: { cgId: 2000, cgName: 'Maya', cgVersion: '2022', renderLayerType: 0, editName: `env_${scheme}`, renderSystem: 1, pluginIds: [] },
    check: (data) => {
      expect(data).toEqual({ editName: `env_${scheme}` });
      expect(find.env(farm, (env) => env.editName === `env_${scheme}`)).toMatchObject({ cgId: 2000, cgVersion: '2022', osName: 1, isDefault: 0 });
    },
  }),
  update_render_env: (farm) => {
    const env = find.env(farm, (candidate) => candidate.cgId === 2004);
    return {
      args: { cgId: 2004, cgName: 'Houdini', cgVersion: '19.5', editName: env.editName, renderSystem: 0, pluginIds: [] },
      check: () => expect(find.env(farm, (candidate) => candidate.editName === env.editName)).toMatchObject({ cgVersion: '19.5', osName: 0 }),
    };
  },
  delete_render_env: (farm) => {
    const env = find.env(farm, (candidate) => candidate.cgId === 2005 && candidate.isDefault === 0);
    return { args: { editName: env.editName }, check: () => expect(find.env(farm, (candidate) => candidate.editName === env.editName)).toBeUndefined() };
  },
  set_default_render_env: (farm) => {
    const env = find.env(farm, (candidate) => candidate.cgId === 2001 && candidate.isDefault === 0);
    return {
      args: { editName: env.editName },
      check: () => {
        const max = farm.envs.list({ cgId: 2001 });
        expect(max.filter((candidate) => candidate.isDefault === 1).map((candidate) => candidate.editName)).toEqual([env.editName]);
      },
    };
  },
  // The classic interface filters by cgId only (no osName).
  get_render_env: (_farm, scheme) => ({
    args: { cgId: 2000, osName: 1 },
    check: (data) => {
      const envs = data as Row[];
      expect(envs.length).toBeGreaterThan(0);
      for (const env of envs) {
        expectFields(env, ENV);
        expect(env).toMatchObject(scheme === 'classic' ? { cgId: 2000 } : { cgId: 2000, osName: 1 });
      }
    },
  }),
} satisfies Cases;
