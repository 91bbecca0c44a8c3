/**
 * Static reference data of the simulated farm: the eight supported applications of the seeds' software list, their
 * versions and plugins, and the catalogue of render error codes that failed frames carry.
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
  { cgId: 2004, cgName: 'Houdini', cgType: 'hip;hipnc;hiplc', iconPath: '/img/softimage/houdini.png', isNeedProjectPath: 2, isNeedAnalyse: 1, isSupportLinux: 1 },
  { cgId: 2005, cgName: 'Cinema 4D', cgType: 'c4d', iconPath: '/img/softimage/cinema-4D.png', isNeedProjectPath: 1, isNeedAnalyse: 1, isSupportLinux: 0 },
  { cgId: 2007, cgName: 'Blender', cgType: 'blend', iconPath: '/img/softimage/blender.png', isNeedProjectPath: 1, isNeedAnalyse: 1, isSupportLinux: 0 },
  { cgId: 2008, cgName: 'VR Standalone', cgType: 'vrscene', iconPath: '/img/softimage/VR-standalone.png', isNeedProjectPath: 3, isNeedAnalyse: 2, isSupportLinux: 0 },
  { cgId: 2012, cgName: 'KeyShot', cgType: 'bip', iconPath: '/img/softimage/keyshot.png', isNeedProjectPath: 2, isNeedAnalyse: 1, isSupportLinux: 0 },
  { cgId: 2013, cgName: 'Clarisse', cgType: 'project;render', iconPath: '/img/softimage/clarisse.png', isNeedProjectPath: 3, isNeedAnalyse: 1, isSupportLinux: 1 },
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
  2001: { vray: ['3.60.03', '4.10.03', '5.10.05', '6.10.06'], corona: ['6', '8', '10'], forestpack: ['7.2', '8.1'], railclone: ['5.1', '6.1'], phoenixfd: ['4.41'] },
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

/** Render failures and analysis tips: `persistent` ones fail again when the frame is resubmitted unchanged. */
export interface ErrorCode {
  code: number;
  /** Applications it occurs with; empty = any. */
  cgIds: readonly number[];
  /** 0 warning (ignorable), 1 error. */
  type: 0 | 1;
  persistent: boolean;
  isRepair: 0 | 1;
  en: string;
  enSolution: string;
  zh: string;
  zhSolution: string;
  /** The software's own words, written into the render log just before the ERROR line. */
  logLine: string;
}

export const ERROR_CODES: readonly ErrorCode[] = [
  {
    code: 15000, cgIds: [2001], type: 1, persistent: false, isRepair: 0,
    en: '3ds Max hangs or fails to start',
    enSolution: '1. Check whether the matching 3ds Max version shows a special pop-up and close it manually; 2. check whether the operating system has high-level permission settings.',
    zh: '启动3ds max卡住或者失败',
    zhSolution: '1.检查启用对应版本的3ds max是否有特殊弹窗,有的话手动关闭;\n2.检查操作系统是否设置了高级别的权限',
    logLine: '3dsmax.exe did not respond within 600 seconds of launch; killing process',
  },
  {
    code: 15001, cgIds: [2001], type: 1, persistent: false, isRepair: 0,
    en: '3ds Max crashed while rendering',
    enSolution: 'Resubmit the frame; if it crashes again, render it locally to find the object or map that causes the crash.',
    zh: '3ds max渲染过程中崩溃',
    zhSolution: '重新提交该帧;如果再次崩溃,请在本地渲染该帧以定位导致崩溃的物体或贴图',
    logLine: 'Application error: 3dsmax.exe terminated unexpectedly (exception 0xC0000005)',
  },
  {
    code: 15002, cgIds: [2001], type: 1, persistent: true, isRepair: 1,
    en: 'Missing texture maps',
    enSolution: 'Upload the missing maps with the scene (or fix their paths), then resubmit the failed frames.',
    zh: '贴图丢失',
    zhSolution: '上传缺失的贴图或修正贴图路径后重新提交失败帧',
    logLine: 'Missing map: D:/project/maps/wood_floor_diffuse_4k.jpg',
  },
  {
    code: 15003, cgIds: [2001], type: 1, persistent: false, isRepair: 0,
    en: 'V-Ray license could not be obtained',
    enSolution: 'The licence server was busy; resubmit the frame. Contact support if it keeps happening.',
    zh: '获取V-Ray授权失败',
    zhSolution: '授权服务器繁忙,请重新提交该帧;如持续出现请联系客服',
    logLine: 'V-Ray error: could not obtain a license (render_50001)',
  },
  {
    code: 15004, cgIds: [2001], type: 1, persistent: false, isRepair: 0,
    en: 'Render node ran out of memory',
    enSolution: 'Choose a hardware configuration with more memory (e.g. 128GB) or reduce the scene memory, then resubmit.',
    zh: '渲染内存不足',
    zhSolution: '选择更大内存的硬件配置(如128GB)或优化场景内存后重新提交',
    logLine: 'V-Ray: not enough memory to allocate dynamic geometry (requested 6144 MB)',
  },
  {
    code: 15005, cgIds: [2001], type: 1, persistent: true, isRepair: 1,
    en: 'Missing proxy or XRef asset file',
    enSolution: 'Upload the missing proxy (.vrmesh) or XRef files with the scene, then resubmit.',
    zh: '代理或XRef文件丢失',
    zhSolution: '上传缺失的代理(.vrmesh)或XRef文件后重新提交',
    logLine: 'Cannot open proxy file D:/assets/trees/oak_01.vrmesh',
  },
  {
    code: 25000, cgIds: [2000], type: 1, persistent: false, isRepair: 0,
    en: 'Maya crashed while rendering',
    enSolution: 'Resubmit the frame; if it crashes again, check the render log for the last node processed.',
    zh: 'Maya渲染过程中崩溃',
    zhSolution: '重新提交该帧;如再次崩溃,请查看渲染日志中最后处理的节点',
    logLine: 'Fatal Error. Attempting to save in C:/Users/render/AppData/Local/Temp/render.0001.crash.ma',
  },
  {
    code: 25001, cgIds: [2000], type: 1, persistent: true, isRepair: 1,
    en: 'Missing referenced file or texture',
    enSolution: 'Upload the missing references and textures, or repath them, then resubmit the failed frames.',
    zh: '引用文件或贴图丢失',
    zhSolution: '上传缺失的引用文件和贴图或修正路径后重新提交失败帧',
    logLine: '// Error: Could not open file: X:/assets/chars/hero_rig_v07.mb (reference not found)',
  },
  {
    code: 25002, cgIds: [2000], type: 1, persistent: false, isRepair: 0,
    en: 'Renderer plugin license unavailable',
    enSolution: 'The renderer licence (Arnold/Redshift) was not available; resubmit the frame.',
    zh: '渲染器插件授权不可用',
    zhSolution: '渲染器(Arnold/Redshift)授权暂不可用,请重新提交该帧',
    logLine: '[mtoa] license not available, rendering would be watermarked; aborting',
  },
  {
    code: 25003, cgIds: [2000], type: 1, persistent: false, isRepair: 0,
    en: 'Render node ran out of memory',
    enSolution: 'Choose a hardware configuration with more memory or reduce texture sizes, then resubmit.',
    zh: '渲染内存不足',
    zhSolution: '选择更大内存的硬件配置或降低贴图尺寸后重新提交',
    logLine: 'std::bad_alloc: out of memory while loading geometry cache',
  },
  {
    code: 35000, cgIds: [2004], type: 1, persistent: true, isRepair: 1,
    en: 'Houdini simulation cache file is missing',
    enSolution: 'Upload the .bgeo.sc cache files the scene reads (or cache the simulation on the farm), then resubmit.',
    zh: 'Houdini解算缓存文件丢失',
    zhSolution: '上传场景读取的.bgeo.sc缓存文件(或在农场上解算)后重新提交',
    logLine: 'Error: Unable to read file "$HIP/geo/pyro_sim.0101.bgeo.sc"',
  },
  {
    code: 35001, cgIds: [2004], type: 1, persistent: false, isRepair: 0,
    en: 'Houdini license unavailable',
    enSolution: 'No Houdini render licence was free; resubmit the frame.',
    zh: 'Houdini授权不可用',
    zhSolution: '暂无可用的Houdini渲染授权,请重新提交该帧',
    logLine: 'No licenses could be found to run this application.',
  },
  {
    code: 45000, cgIds: [2005], type: 1, persistent: true, isRepair: 0,
    en: 'Cinema 4D plugin is not supported on the farm',
    enSolution: 'Remove the unsupported plugin from the scene or pick a supported version in the render environment.',
    zh: 'Cinema 4D插件不支持',
    zhSolution: '移除场景中不支持的插件,或在渲染环境中选择受支持的版本',
    logLine: 'Plugin "GSG Signal" could not be loaded; objects using it are missing',
  },
  {
    code: 55000, cgIds: [2007], type: 1, persistent: false, isRepair: 0,
    en: 'Blender crashed while rendering',
    enSolution: 'Resubmit the frame; if it crashes again, check for drivers or add-ons the scene requires.',
    zh: 'Blender渲染过程中崩溃',
    zhSolution: '重新提交该帧;如再次崩溃,请检查场景依赖的驱动或插件',
    logLine: 'Error: Segmentation fault (core dumped) in cycles::BVH2::build',
  },
  {
    code: 50001, cgIds: [], type: 1, persistent: false, isRepair: 0,
    en: 'Frame exceeded the render timeout',
    enSolution: 'Raise the task timeout, lower the sampling, or split the frame into tiles, then resubmit.',
    zh: '帧渲染超时',
    zhSolution: '调高任务超时时间、降低采样或分块渲染后重新提交',
    logLine: 'Render time limit reached; the render process was stopped by the scheduler',
  },
  {
    code: 50002, cgIds: [], type: 1, persistent: false, isRepair: 0,
    en: 'Render node ran out of memory',
    enSolution: 'Choose a hardware configuration with more memory, then resubmit.',
    zh: '渲染节点内存不足',
    zhSolution: '选择更大内存的硬件配置后重新提交',
    logLine: 'Process killed by the node: memory usage exceeded the configured limit',
  },
  {
    code: 50003, cgIds: [], type: 1, persistent: false, isRepair: 0,
    en: 'Output image could not be written',
    enSolution: 'The output storage was briefly unavailable; resubmit the frame.',
    zh: '输出图片写入失败',
    zhSolution: '输出存储暂时不可用,请重新提交该帧',
    logLine: 'Cannot write output image: I/O error on /mnt/output (errno 5)',
  },
  {
    code: 50004, cgIds: [], type: 1, persistent: true, isRepair: 1,
    en: 'Missing asset file',
    enSolution: 'Upload the missing asset files with the scene, then resubmit the failed frames.',
    zh: '资产文件丢失',
    zhSolution: '上传缺失的资产文件后重新提交失败帧',
    logLine: 'Asset not found in the input storage: textures/label_front.png',
  },
  {
    code: 10010, cgIds: [], type: 0, persistent: false, isRepair: 1,
    en: 'Scene analysis found missing textures (warning)',
    enSolution: 'The task can render, but objects using the missing maps will look different; upload them to be safe.',
    zh: '分析发现贴图丢失(警告)',
    zhSolution: '任务可以渲染,但使用缺失贴图的物体效果会不同;建议上传缺失贴图',
    logLine: 'Analysis warning: 3 texture files were not found',
  },
  {
    code: 10011, cgIds: [], type: 0, persistent: false, isRepair: 0,
    en: 'Render camera not set; the default camera will be used (warning)',
    enSolution: 'Set a renderable camera in the scene if the default one is not what you want.',
    zh: '未设置渲染相机,将使用默认相机(警告)',
    zhSolution: '如默认相机不符合要求,请在场景中设置可渲染相机',
    logLine: 'Analysis warning: no renderable camera found',
  },
];

const ERROR_BY_CODE = new Map(ERROR_CODES.map((entry) => [entry.code, entry]));

export function errorCode(code: number): ErrorCode | undefined {
  return ERROR_BY_CODE.get(code);
}

/** Render errors a frame of this application can fail with (its own and the generic ones). */
export function renderErrorsFor(cgId: number): ErrorCode[] {
  return ERROR_CODES.filter((entry) => entry.type === 1 && (entry.cgIds.length === 0 || entry.cgIds.includes(cgId)));
}
