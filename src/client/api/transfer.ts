import type { BodyOf } from '../operations.js';
import type { FarmLink } from './link.js';

/**
 * Transfer answers, read key by key: the documents give no field tables, and the farm spells the same keys in
 * snake_case in one answer and camelCase in another (config_bid, configBid).
 */
export type TransferRecord = Record<string, unknown>;

export type TransferAnswers = {
  get_transfer_bid: TransferRecord | null;
  get_transfer_config: TransferRecord | null;
  get_transfer_server_info: TransferRecord | null;
  get_raysync_user_key: TransferRecord | null;
  list_output_files: unknown[] | { items?: unknown[] | null } | null;
};

export class TransferApi {
  constructor(private readonly link: FarmLink) {}

  async bids(): Promise<TransferRecord> {
    return (await this.link.send('get_transfer_bid')) ?? {};
  }

  /** Engines, lines and accounts, with passwords: the caller redacts them. */
  async config(): Promise<TransferRecord> {
    return (await this.link.send('get_transfer_config')) ?? {};
  }

  /** Wire: the SDK sends zone 1 when the domain does NOT contain "renderbus" (inverted since SDK 2.0.0); we follow it. */
  async serverInfo(): Promise<TransferRecord> {
    return (await this.link.send('get_transfer_server_info', { zone: this.link.domainZone === 'china' ? 2 : 1 })) ?? {};
  }

  /** The RaySync key, user key and signature: the caller redacts them. */
  async raysyncKey(): Promise<TransferRecord> {
    return (await this.link.send('get_raysync_user_key')) ?? {};
  }

  /**
   * The entries of one output folder, from a list or a paged answer; `lastModify` (farm-clock text) read as an
   * instant. Wire: with a task id the SDK sends treePath "/" whatever the caller asked (get_output_files: "tree_path
   * will default to "/" when task_id is not empty"): a task's output is listed from its root.
   */
  async outputFiles(request: { taskId?: number | undefined; treePath?: string | undefined }): Promise<TransferRecord[]> {
    const body: BodyOf<'list_output_files'> = request.taskId === undefined ? { treePath: request.treePath ?? '/' } : { treePath: '/', taskId: request.taskId };
    const data = await this.link.send('list_output_files', body);
    const entries = (Array.isArray(data) ? data : data?.items) ?? [];
    const clock = this.link.clock;
    return entries
      .filter((entry): entry is TransferRecord => entry !== null && typeof entry === 'object' && !Array.isArray(entry))
      .map((entry) => ('lastModify' in entry ? { ...entry, lastModify: clock.instant(entry['lastModify']) } : entry));
  }
}
