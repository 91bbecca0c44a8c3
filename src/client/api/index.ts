/**
 * The typed farm API: one module per area, between the wire (Connector, the catalog in operations.ts) and the MCP
 * surfaces (tools, resources, prompts). It owns every dialect rule (which parameters a dialect sends, the zone of a
 * domain, per-dialect request shapes), normalises answers (pages, tasks with their child tasks) and declares what
 * each operation answers. Request bodies are typed from the catalog (BodyOf), so an unknown key does not compile.
 *
 * One FarmApi is built per MCP request, bound to its cancellation signal and lane: `new FarmApi(connector, { signal, lane })`. Areas are
 * created on first use, so building one costs two small objects.
 */
import type { CallOptions, Connector } from '../connector.js';
import { AccountApi } from './account.js';
import { EnvironmentsApi } from './environments.js';
import { FramesApi } from './frames.js';
import { HardwareApi } from './hardware.js';
import { LabelsApi } from './labels.js';
import { FarmLink } from './link.js';
import { LogsApi } from './logs.js';
import { TasksApi } from './tasks.js';
import { TransferApi } from './transfer.js';

export class FarmApi {
  readonly #link: FarmLink;
  #tasks?: TasksApi;
  #frames?: FramesApi;
  #environments?: EnvironmentsApi;
  #labels?: LabelsApi;
  #account?: AccountApi;
  #transfer?: TransferApi;
  #hardware?: HardwareApi;
  #logs?: LogsApi;

  constructor(connector: Connector, options: CallOptions = {}) {
    this.#link = new FarmLink(connector, options);
  }

  get tasks(): TasksApi {
    return (this.#tasks ??= new TasksApi(this.#link));
  }

  get frames(): FramesApi {
    return (this.#frames ??= new FramesApi(this.#link));
  }

  get environments(): EnvironmentsApi {
    return (this.#environments ??= new EnvironmentsApi(this.#link));
  }

  get labels(): LabelsApi {
    return (this.#labels ??= new LabelsApi(this.#link));
  }

  get account(): AccountApi {
    return (this.#account ??= new AccountApi(this.#link));
  }

  get transfer(): TransferApi {
    return (this.#transfer ??= new TransferApi(this.#link));
  }

  get hardware(): HardwareApi {
    return (this.#hardware ??= new HardwareApi(this.#link));
  }

  get logs(): LogsApi {
    return (this.#logs ??= new LogsApi(this.#link));
  }

  /** The farm's clock as well as we know it: ours, corrected by what a 610 answer taught the connector. */
  now(): number {
    return this.#link.now();
  }
}

export type { Platform, UserProfile, UserSettings } from './account.js';
export type {
  OsName,
  Plugin,
  PluginVersion,
  RenderEnv,
  RenderEnvBody,
  Software,
  SoftwareCatalog,
  SoftwareDetail,
  SoftwareVersion,
  SoftVersion,
} from './environments.js';
export { OS_CODE, OS_NAMES, osName } from './environments.js';
export * from './frame-ranges.js';
export type { AllFramesOptions, FrameInfo } from './frames.js';
export { MAX_FRAME_PAGES, MAX_FRAME_PAGE_SIZE } from './frames.js';
export type { HardwareConfig } from './hardware.js';
export type { Project } from './labels.js';
export type { Currency, Zone } from './link.js';
export { logLines } from './logs.js';
export type { Page, Paged } from './paging.js';
export type { ErrorCodeInfo, TaskInfo, TaskScan } from './tasks.js';
export { TASK_PAGE_SIZE } from './tasks.js';
