/**
 * Why frames fail: the catalogue of error codes that failed frames carry, explained by get_analysis_error_detail
 * and named in the last lines of the frame's render log (`ERROR <code>: <en>`, after the software's own `logLine`).
 *
 * Only 15000 and 50001 are documented codes (seeds 000-003: 15000's texts are seed 002's example); every other
 * code, text and log line is the sandbox's own (assumption), written so a client can tell the two kinds apart:
 * - transient causes (node lost, render timeout, a passing farm error, an application crash): a resubmitted frame
 *   usually renders. Their solution says "Resubmitting the frame usually fixes it."; `isRepair` is 0.
 * - persistent causes (missing asset, texture or plugin, licence, scene error, not enough memory): a resubmitted
 *   frame fails again with the same code until the user changes something. Their solution says "Resubmitting
 *   without fixing this fails again."; `isRepair` is 1 (read as "needs a repair", the sandbox's reading of seed
 *   001's "1 repairable, 0 not"; 15000, a transient cause, has 0 in seed 002).
 */

export type Cause =
  | 'node_lost'
  | 'render_timeout'
  | 'farm_error'
  | 'crash'
  | 'missing_asset'
  | 'missing_texture'
  | 'missing_plugin'
  | 'licence'
  | 'scene_error'
  | 'out_of_memory'
  | 'analysis_warning';

const TRANSIENT = new Set<Cause>(['node_lost', 'render_timeout', 'farm_error', 'crash']);

export interface ErrorCode {
  code: number;
  /** Applications it occurs with; empty = any. */
  cgIds: readonly number[];
  /** 0 warning (ignorable), 1 error. */
  type: 0 | 1;
  cause: Cause;
  /** A resubmitted frame fails again with this code (see above). */
  persistent: boolean;
  isRepair: 0 | 1;
  en: string;
  enSolution: string;
  zh: string;
  zhSolution: string;
  /** The software's own words, written into the render log just before the ERROR line. */
  logLine: string;
}

const RETRY_EN = 'Resubmitting the frame usually fixes it.';
const RETRY_ZH = '重新提交该帧通常即可解决。';
const FIX_EN = 'Resubmitting without fixing this fails again.';
const FIX_ZH = '不修复直接重新提交会再次失败。';

type Entry = Omit<ErrorCode, 'persistent' | 'isRepair' | 'type'> & { type?: 0 | 1; isRepair?: 0 | 1 };

function entry({ type = 1, ...fields }: Entry): ErrorCode {
  const persistent = type === 1 && !TRANSIENT.has(fields.cause);
  return { type, isRepair: persistent ? 1 : 0, ...fields, persistent };
}

export const RENDER_TIMEOUT_CODE = 50001;
export const NODE_LOST_CODE = 50005;
export const MISSING_ASSET_CODE = 50004;
export const MISSING_TEXTURE_CODE = 50006;

export const ERROR_CODES: readonly ErrorCode[] = [
  // ── transient: worth a retry ──
  entry({
    code: 15000,
    cgIds: [2001],
    cause: 'farm_error',
    en: '3ds Max hangs or fails to start',
    enSolution:
      '1. Check whether the matching 3ds Max version shows a special pop-up and close it manually; 2. check whether the operating system has high-level permission settings.',
    zh: '启动3ds max卡住或者失败',
    zhSolution: '1.检查启用对应版本的3ds max是否有特殊弹窗,有的话手动关闭;\n2.检查操作系统是否设置了高级别的权限',
    logLine: '3dsmax.exe did not respond within 600 seconds of launch on this render node; killing process',
  }),
  entry({
    code: 15001,
    cgIds: [2001],
    cause: 'crash',
    en: '3ds Max crashed while rendering',
    enSolution: `The render process crashed on the node. ${RETRY_EN} If it crashes again, render it locally to find the object or map that causes the crash.`,
    zh: '3ds max渲染过程中崩溃',
    zhSolution: `渲染进程在节点上崩溃。${RETRY_ZH}如果再次崩溃,请在本地渲染该帧以定位导致崩溃的物体或贴图`,
    logLine: 'Application error: 3dsmax.exe terminated unexpectedly (exception 0xC0000005)',
  }),
  entry({
    code: 25000,
    cgIds: [2000],
    cause: 'crash',
    en: 'Maya crashed while rendering',
    enSolution: `The render process crashed on the node. ${RETRY_EN} If it crashes again, check the render log for the last node processed.`,
    zh: 'Maya渲染过程中崩溃',
    zhSolution: `渲染进程在节点上崩溃。${RETRY_ZH}如再次崩溃,请查看渲染日志中最后处理的节点`,
    logLine: 'Fatal Error. Attempting to save in C:/Users/render/AppData/Local/Temp/render.0001.crash.ma',
  }),
  entry({
    code: 55000,
    cgIds: [2007],
    cause: 'crash',
    en: 'Blender crashed while rendering',
    enSolution: `The render process crashed on the node. ${RETRY_EN} If it crashes again, check for drivers or add-ons the scene requires.`,
    zh: 'Blender渲染过程中崩溃',
    zhSolution: `渲染进程在节点上崩溃。${RETRY_ZH}如再次崩溃,请检查场景依赖的驱动或插件`,
    logLine: 'Error: Segmentation fault (core dumped) in cycles::BVH2::build',
  }),
  entry({
    code: RENDER_TIMEOUT_CODE,
    cgIds: [],
    cause: 'render_timeout',
    en: 'Frame exceeded the render timeout',
    enSolution: `The scheduler stopped the frame after it ran far beyond its expected time, usually on a stalled node. ${RETRY_EN} If it times out again, lower the sampling or split the frame into tiles.`,
    zh: '帧渲染超时',
    zhSolution: `该帧渲染时间远超预期(通常是节点卡住),已被调度器停止。${RETRY_ZH}如再次超时,请降低采样或分块渲染`,
    logLine: 'Render time limit reached: the render process made no progress and was stopped by the scheduler',
  }),
  entry({
    code: 50003,
    cgIds: [],
    cause: 'farm_error',
    en: 'Output image could not be written',
    enSolution: `The farm's output storage was briefly unavailable. ${RETRY_EN}`,
    zh: '输出图片写入失败',
    zhSolution: `农场输出存储暂时不可用。${RETRY_ZH}`,
    logLine: 'Cannot write output image: I/O error on /mnt/output (errno 5)',
  }),
  entry({
    code: NODE_LOST_CODE,
    cgIds: [],
    cause: 'node_lost',
    en: 'Render node lost',
    enSolution: `The render node stopped responding while rendering (a hardware or network fault on the farm). ${RETRY_EN} It renders on another node.`,
    zh: '渲染节点失联',
    zhSolution: `渲染节点在渲染过程中失去响应(农场硬件或网络故障)。${RETRY_ZH}该帧会在其他节点上渲染`,
    logLine: 'Lost contact with the render node: no heartbeat for 300 seconds; the frame was abandoned',
  }),

  // ── persistent: a retry fails again until the user fixes the cause ──
  entry({
    code: 15002,
    cgIds: [2001],
    cause: 'missing_texture',
    en: 'Missing texture maps',
    enSolution: `Upload the missing maps with the scene (or fix their paths), then resubmit the failed frames. ${FIX_EN}`,
    zh: '贴图丢失',
    zhSolution: `上传缺失的贴图或修正贴图路径后重新提交失败帧。${FIX_ZH}`,
    logLine: 'Missing map: D:/project/maps/wood_floor_diffuse_4k.jpg',
  }),
  entry({
    code: 15003,
    cgIds: [2001],
    cause: 'licence',
    en: 'No V-Ray licence for the V-Ray version of the scene',
    enSolution: `The farm has no licence for this V-Ray version: choose a V-Ray version the farm supports in the render environment. ${FIX_EN}`,
    zh: '没有场景所用V-Ray版本的授权',
    zhSolution: `农场没有该V-Ray版本的授权,请在渲染环境中选择农场支持的V-Ray版本。${FIX_ZH}`,
    logLine: 'V-Ray error: no license for V-Ray 3.60.03 is available on this render server',
  }),
  entry({
    code: 15004,
    cgIds: [2001],
    cause: 'out_of_memory',
    en: 'Render node ran out of memory',
    enSolution: `The scene needs more memory than its hardware configuration has: choose one with more memory (e.g. 128GB) or reduce the scene memory. ${FIX_EN}`,
    zh: '渲染内存不足',
    zhSolution: `场景所需内存超过硬件配置,请选择更大内存的配置(如128GB)或优化场景内存。${FIX_ZH}`,
    logLine: 'V-Ray: not enough memory to allocate dynamic geometry (requested 6144 MB)',
  }),
  entry({
    code: 15005,
    cgIds: [2001],
    cause: 'missing_asset',
    en: 'Missing proxy or XRef asset file',
    enSolution: `Upload the missing proxy (.vrmesh) or XRef files with the scene, then resubmit. ${FIX_EN}`,
    zh: '代理或XRef文件丢失',
    zhSolution: `上传缺失的代理(.vrmesh)或XRef文件后重新提交。${FIX_ZH}`,
    logLine: 'Cannot open proxy file D:/assets/trees/oak_01.vrmesh',
  }),
  entry({
    code: 25001,
    cgIds: [2000],
    cause: 'missing_asset',
    en: 'Missing referenced file',
    enSolution: `Upload the missing references, or repath them, then resubmit the failed frames. ${FIX_EN}`,
    zh: '引用文件丢失',
    zhSolution: `上传缺失的引用文件或修正路径后重新提交失败帧。${FIX_ZH}`,
    logLine: '// Error: Could not open file: X:/assets/chars/hero_rig_v07.mb (reference not found)',
  }),
  entry({
    code: 25002,
    cgIds: [2000],
    cause: 'licence',
    en: 'No renderer licence for the plugin version of the scene',
    enSolution: `The farm has no licence for this renderer (Arnold/Redshift) version: choose a supported version in the render environment. ${FIX_EN}`,
    zh: '没有场景所用渲染器插件版本的授权',
    zhSolution: `农场没有该渲染器(Arnold/Redshift)版本的授权,请在渲染环境中选择受支持的版本。${FIX_ZH}`,
    logLine: '[mtoa] no license available for this Arnold version, rendering would be watermarked; aborting',
  }),
  entry({
    code: 25003,
    cgIds: [2000],
    cause: 'out_of_memory',
    en: 'Render node ran out of memory',
    enSolution: `The scene needs more memory than its hardware configuration has: choose one with more memory or reduce texture sizes. ${FIX_EN}`,
    zh: '渲染内存不足',
    zhSolution: `场景所需内存超过硬件配置,请选择更大内存的配置或降低贴图尺寸。${FIX_ZH}`,
    logLine: 'std::bad_alloc: out of memory while loading geometry cache',
  }),
  entry({
    code: 35000,
    cgIds: [2004],
    cause: 'missing_asset',
    en: 'Houdini simulation cache file is missing',
    enSolution: `Upload the .bgeo.sc cache files the scene reads (or cache the simulation on the farm), then resubmit. ${FIX_EN}`,
    zh: 'Houdini解算缓存文件丢失',
    zhSolution: `上传场景读取的.bgeo.sc缓存文件(或在农场上解算)后重新提交。${FIX_ZH}`,
    logLine: 'Error: Unable to read file "$HIP/geo/pyro_sim.0101.bgeo.sc"',
  }),
  entry({
    code: 35001,
    cgIds: [2004],
    cause: 'licence',
    en: 'The Houdini licence does not cover this scene file',
    enSolution: `The scene was saved with a non-commercial Houdini licence (.hipnc), which the farm's licences cannot render: save it as a commercial .hip file and resubmit. ${FIX_EN}`,
    zh: 'Houdini授权不支持该场景文件',
    zhSolution: `场景由非商业版Houdini(.hipnc)保存,农场授权无法渲染,请另存为商业版.hip文件后重新提交。${FIX_ZH}`,
    logLine: 'No licenses could be found to run this application: the file was saved with a non-commercial (Apprentice) licence',
  }),
  entry({
    code: 45000,
    cgIds: [2005],
    cause: 'missing_plugin',
    en: 'Cinema 4D plugin is not supported on the farm',
    enSolution: `Remove the unsupported plugin from the scene or pick a supported version in the render environment. ${FIX_EN}`,
    zh: 'Cinema 4D插件不支持',
    zhSolution: `移除场景中不支持的插件,或在渲染环境中选择受支持的版本。${FIX_ZH}`,
    logLine: 'Plugin "GSG Signal" could not be loaded; objects using it are missing',
  }),
  entry({
    code: 50002,
    cgIds: [],
    cause: 'out_of_memory',
    en: 'Render node ran out of memory',
    enSolution: `Choose a hardware configuration with more memory. ${FIX_EN}`,
    zh: '渲染节点内存不足',
    zhSolution: `请选择更大内存的硬件配置。${FIX_ZH}`,
    logLine: 'Process killed by the node: memory usage exceeded the configured limit',
  }),
  entry({
    code: MISSING_ASSET_CODE,
    cgIds: [],
    cause: 'missing_asset',
    en: 'Missing asset file',
    enSolution: `Upload the missing asset files with the scene, then resubmit the failed frames. ${FIX_EN}`,
    zh: '资产文件丢失',
    zhSolution: `上传缺失的资产文件后重新提交失败帧。${FIX_ZH}`,
    logLine: 'Asset not found in the input storage: textures/label_front.png',
  }),
  entry({
    code: MISSING_TEXTURE_CODE,
    cgIds: [],
    cause: 'missing_texture',
    en: 'Missing texture file',
    enSolution: `Upload the missing textures (or fix their paths), then resubmit the failed frames. ${FIX_EN}`,
    zh: '贴图文件丢失',
    zhSolution: `上传缺失的贴图(或修正路径)后重新提交失败帧。${FIX_ZH}`,
    logLine: 'Texture file not found: sourceimages/wall_albedo_8k.tx',
  }),
  entry({
    code: 50007,
    cgIds: [],
    cause: 'missing_plugin',
    en: 'A plugin the scene needs is not in the render environment',
    enSolution: `Add the plugin (in the version the scene uses) to the task's render environment, or remove it from the scene. ${FIX_EN}`,
    zh: '渲染环境中缺少场景所需的插件',
    zhSolution: `在任务的渲染环境中添加该插件(场景所用版本),或从场景中移除该插件。${FIX_ZH}`,
    logLine: 'Plugin not loaded: the scene requires "MultiScatter", which the render environment does not include',
  }),
  entry({
    code: 50008,
    cgIds: [],
    cause: 'scene_error',
    en: 'Scene error: the scene file could not be loaded',
    enSolution: `The scene file is damaged or was saved by a newer version than the render environment uses: save it again with that version, then resubmit. ${FIX_EN}`,
    zh: '场景错误:无法加载场景文件',
    zhSolution: `场景文件已损坏或由高于渲染环境的版本保存,请用渲染环境的版本重新保存后再提交。${FIX_ZH}`,
    logLine: 'Scene load failed: unexpected end of file at byte 48213377 (the file is damaged or from a newer version)',
  }),

  // ── analysis warnings (type 0): never a frame's failure ──
  entry({
    code: 10010,
    cgIds: [],
    type: 0,
    cause: 'analysis_warning',
    isRepair: 1,
    en: 'Scene analysis found missing textures (warning)',
    enSolution: 'The task can render, but objects using the missing maps will look different; upload them to be safe.',
    zh: '分析发现贴图丢失(警告)',
    zhSolution: '任务可以渲染,但使用缺失贴图的物体效果会不同;建议上传缺失贴图',
    logLine: 'Analysis warning: 3 texture files were not found',
  }),
  entry({
    code: 10011,
    cgIds: [],
    type: 0,
    cause: 'analysis_warning',
    en: 'Render camera not set; the default camera will be used (warning)',
    enSolution: 'Set a renderable camera in the scene if the default one is not what you want.',
    zh: '未设置渲染相机,将使用默认相机(警告)',
    zhSolution: '如默认相机不符合要求,请在场景中设置可渲染相机',
    logLine: 'Analysis warning: no renderable camera found',
  }),
];

const ERROR_BY_CODE = new Map(ERROR_CODES.map((entry) => [entry.code, entry]));

export function errorCode(code: number): ErrorCode | undefined {
  return ERROR_BY_CODE.get(code);
}

export function isPersistent(code: number): boolean {
  return ERROR_BY_CODE.get(code)?.persistent ?? false;
}

/** Render errors a frame of this application can fail with (its own and the generic ones). */
export function renderErrorsFor(cgId: number): ErrorCode[] {
  return ERROR_CODES.filter((entry) => entry.type === 1 && (entry.cgIds.length === 0 || entry.cgIds.includes(cgId)));
}

/** The frame status a failure ends in: 11 (timed out) for the render timeout, 5 (failed) for the rest. */
export function failedStatus(code: number): number {
  return code === RENDER_TIMEOUT_CODE ? 11 : 5;
}
