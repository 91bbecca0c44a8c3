/**
 * Static reference data of the simulated farm: the eight supported applications of the seeds' software list, their
 * versions and plugins. The render error codes that failed frames carry are in causes.ts.
 */

import type { Plugin, PluginVersion, SoftVersion } from '../../client/api/index.js';

export interface SoftwareInfo {
  cgId: number;
  cgName: string;
  cgType: string;
  iconPath: string;
  isNeedProjectPath: number;
  isNeedAnalyse: number;
  isSupportLinux: number;
}

/** Seed 001's `querySoftwareList` example, verbatim. */
export const SOFTWARE: readonly SoftwareInfo[] = [
  { cgId: 2000, cgName: 'Maya', cgType: 'ma;mb', iconPath: '/img/softimage/maya.png', isNeedProjectPath: 1, isNeedAnalyse: 1, isSupportLinux: 1 },
  { cgId: 2001, cgName: '3ds Max', cgType: 'max', iconPath: '/img/softimage/max.png', isNeedProjectPath: 1, isNeedAnalyse: 1, isSupportLinux: 0 },
  {
    cgId: 2004,
    cgName: 'Houdini',
    cgType: 'hip;hipnc;hiplc',
    iconPath: '/img/softimage/houdini.png',
    isNeedProjectPath: 2,
    isNeedAnalyse: 1,
    isSupportLinux: 1,
  },
  { cgId: 2005, cgName: 'Cinema 4D', cgType: 'c4d', iconPath: '/img/softimage/cinema-4D.png', isNeedProjectPath: 1, isNeedAnalyse: 1, isSupportLinux: 0 },
  { cgId: 2007, cgName: 'Blender', cgType: 'blend', iconPath: '/img/softimage/blender.png', isNeedProjectPath: 1, isNeedAnalyse: 1, isSupportLinux: 0 },
  {
    cgId: 2008,
    cgName: 'VR Standalone',
    cgType: 'vrscene',
    iconPath: '/img/softimage/VR-standalone.png',
    isNeedProjectPath: 3,
    isNeedAnalyse: 2,
    isSupportLinux: 0,
  },
  { cgId: 2012, cgName: 'KeyShot', cgType: 'bip', iconPath: '/img/softimage/keyshot.png', isNeedProjectPath: 2, isNeedAnalyse: 1, isSupportLinux: 0 },
  {
    cgId: 2013,
    cgName: 'Clarisse',
    cgType: 'project;render',
    iconPath: '/img/softimage/clarisse.png',
    isNeedProjectPath: 3,
    isNeedAnalyse: 1,
    isSupportLinux: 1,
  },
];

export const DEFAULT_CG_ID = 2001;

const SOFTWARE_BY_ID = new Map(SOFTWARE.map((software) => [software.cgId, software]));

export function software(cgId: number): SoftwareInfo | undefined {
  return SOFTWARE_BY_ID.get(cgId);
}

/** Versions per application and the plugins (with their versions) offered for every version. */
const VERSIONS: Readonly<Record<number, readonly string[]>> = {
  2000: ['2018', '2019', '2020', '2022', '2023', '2024'],
  2001: ['2016', '2018', '2020', '2022', '2023'],
  2004: ['17.5', '18.5', '19.0', '19.5', '20.0'],
  2005: ['R19', 'R21', 'R23', 'R25', '2023', '2024'],
  2007: ['2.93', '3.3', '3.6', '4.1'],
  2008: ['4.10', '5.10', '6.00'],
  2012: ['9.3', '10.2', '11.3'],
  2013: ['4.0 SP8', '5.0 SP9'],
};

const PLUGINS: Readonly<Record<number, Readonly<Record<string, readonly string[]>>>> = {
  2000: { mtoa: ['3.3.0', '4.2.3', '5.3.1'], redshift: ['3.0.45', '3.5.16'], vrayformaya: ['5.10.02', '6.00.05'], yeti: ['4.1.1'], golaem: ['8.1.3'] },
  2001: {
    vray: ['3.60.03', '4.10.03', '5.10.05', '6.10.06'],
    corona: ['6', '8', '10'],
    forestpack: ['7.2', '8.1'],
    railclone: ['5.1', '6.1'],
    phoenixfd: ['4.41'],
  },
  2004: { renderman: ['22.6', '24.4'], redshift: ['3.0.45', '3.5.16'], htoa: ['5.4.1', '6.1.3'] },
  2005: { octane: ['2020.1.5', '2022.1'], redshift: ['3.0.45', '3.5.16'], c4dtoa: ['3.3.2'], zblur: ['2.02.019'], xparticles: ['4.0'] },
  2007: { cycles_x: ['1.0'] },
  2008: { vray_std: ['4.10.03', '5.10.05'] },
  2012: {},
  2013: { redshift: ['3.5.16'] },
};

export type { Plugin, PluginVersion, SoftVersion };

interface SoftwareDetail {
  versions: SoftVersion[];
  plugins: Plugin[];
}

/** Version and plugin-version ids are fixed by table order, so they are the same in every run. */
function buildDetails(): Map<number, SoftwareDetail> {
  const details = new Map<number, SoftwareDetail>();
  let versionId = 20;
  let pluginId = 1100;
  for (const app of SOFTWARE) {
    const detail: SoftwareDetail = { versions: [], plugins: [] };
    for (const cgVersion of VERSIONS[app.cgId] ?? []) {
      const id = versionId++;
      detail.versions.push({ id, cgId: app.cgId, cgName: app.cgName, cgVersion });
      for (const [pluginName, versions] of Object.entries(PLUGINS[app.cgId] ?? {})) {
        const pluginVersions = versions.map((version) => ({ pluginId: pluginId++, pluginName, pluginVersion: `${pluginName} ${version}` }));
        detail.plugins.push({ cvId: id, pluginName, pluginVersions });
      }
    }
    details.set(app.cgId, detail);
  }
  return details;
}

const DETAILS = buildDetails();

export function softwareDetail(cgId: number): SoftwareDetail | undefined {
  return DETAILS.get(cgId);
}

const PLUGIN_BY_ID = new Map<number, PluginVersion & { cgId: number; cvId: number }>();
for (const [cgId, detail] of DETAILS) {
  for (const plugin of detail.plugins) for (const version of plugin.pluginVersions) PLUGIN_BY_ID.set(version.pluginId, { ...version, cgId, cvId: plugin.cvId });
}

export function pluginVersion(pluginId: number): (PluginVersion & { cgId: number; cvId: number }) | undefined {
  return PLUGIN_BY_ID.get(pluginId);
}

export { ERROR_CODES, errorCode, renderErrorsFor, type ErrorCode } from './causes.js';
