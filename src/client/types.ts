/**
 * Records as the farm returns them (api-catalog §3). Fields are optional and nullable because the documents and
 * examples disagree on which ones are always present.
 */

export interface Paged<T> {
  pageCount?: number;
  pageNum?: number;
  total?: number;
  size?: number;
  items?: T[] | null;
}

export interface TaskInfo {
  id: number;
  sceneName?: string | null;
  taskAlias?: string | null;
  taskStatus?: number | null;
  statusText?: string | null;
  preTaskStatus?: number | null;
  preStatusText?: string | null;
  totalFrames?: number | null;
  abortFrames?: number | null;
  executingFrames?: number | null;
  doneFrames?: number | null;
  failedFrames?: number | null;
  framesRange?: string | null;
  projectName?: string | null;
  renderConsume?: number | null;
  taskArrears?: number | null;
  submitDate?: number | null;
  startTime?: number | null;
  completedDate?: number | null;
  renderDuration?: number | null;
  userName?: string | null;
  producer?: string | null;
  taskLevel?: number | null;
  taskUserLevel?: number | null;
  taskLimit?: number | null;
  taskOverTime?: number | null;
  overTimeStop?: number | null;
  outputFileName?: string | null;
  munuTaskId?: string | null;
  layerParentId?: number | string | null;
  cgId?: number | null;
  taskKeyValueVo?: { tiles?: string | null; allCamera?: string | null; renderableCamera?: string | null } | null;
  userAccountConsume?: number | null;
  couponConsume?: number | null;
  isOpen?: number | null;
  taskType?: string | null;
  taskTypeText?: string | null;
  renderCamera?: string | null;
  layerName?: string | null;
  cloneParentId?: number | null;
  cloneOriginalId?: number | null;
  shareMainCapital?: number | null;
  taskRam?: number | null;
  isDelete?: number | null;
  labels?: string | null;
  userId?: number | null;
  respRenderingTaskList?: TaskInfo[] | null;
  [extra: string]: unknown;
}

export interface FrameInfo {
  id: number;
  taskId?: number | null;
  frameIndex?: string | null;
  frameBlock?: string | null;
  frameStatus?: number | null;
  frameStatusText?: string | null;
  feeAmount?: number | null;
  couponFee?: number | null;
  framePrice?: number | null;
  feeType?: number | null;
  arrearsFee?: number | null;
  startTime?: number | null;
  endTime?: number | null;
  frameExecuteTime?: number | null;
  frameType?: number | null;
  recommitFlag?: number | null;
  taskOverTime?: number | null;
  gopName?: string | null;
  frameRam?: number | null;
  nodeId?: string | null;
  averageCpu?: number | null;
  averageMemory?: number | null;
  /** Sandbox and newer farms: the analysis/render error code of a failed frame. */
  errorCode?: string | number | null;
  [extra: string]: unknown;
}

export interface ErrorCodeInfo {
  id?: number;
  code: string | number;
  type?: number;
  languageFlag?: number;
  desDescriptionCn?: string | null;
  desSolutionCn?: string | null;
  solutionPath?: string | null;
  isRepair?: number;
  isOpen?: number;
  updateTime?: number;
}

export interface Software {
  cgId: number;
  cgName: string;
  cgType?: string;
  iconPath?: string;
  isNeedProjectPath?: number;
  isNeedAnalyse?: number;
  isSupportLinux?: number;
}

export interface SoftwareList {
  isAutoCommit?: number;
  renderInfoList: Software[];
  defaultCgId?: number;
}

export interface SoftVersion {
  id: number;
  cgId: number;
  cgName: string;
  cgVersion: string;
}

export interface PluginVersion {
  pluginId: number;
  pluginName: string;
  pluginVersion: string;
}

export interface Plugin {
  cvId: number;
  pluginName: string;
  pluginVersions: PluginVersion[];
}

export interface SoftwareDetail {
  cgPlugin: Plugin[];
  cgVersion: SoftVersion[];
}

export interface RenderEnv {
  cgId: number;
  editName: string;
  cgName: string;
  cgVersion: string;
  osName?: number;
  renderLayerType?: number;
  isDefault?: number;
  projectPath?: string;
  isMainUserId?: number;
  respUserPluginInfoVos?: PluginVersion[];
}
