import { expect } from 'vitest';
import { type Cases, expectFields, find, type Row } from './checks.js';

/** Transfer ids, RaySync settings and keys, output files (src/client/operations/transfer.ts). */
export const TRANSFER_CASES = {
  get_transfer_bid: () => ({
    args: {},
    check: (data) =>
      expectFields(data, { config_bid: 'string', input_bid: 'string', output_bid: 'string', parent_input_bid: 'string', sub_user_output_bids: 'array' }),
  }),
  get_transfer_config: () => ({
    args: {},
    check: (data) => {
      expectFields(data, {
        inputBid: 'string',
        outputBid: 'string',
        configBid: 'string',
        parentInputBid: 'string?',
        resqEngines: 'array',
        subUserOutputBids: 'array',
      });
      const engines = (data as Row).resqEngines as Row[];
      for (const engine of engines)
        expectFields(engine, {
          engineName: 'string',
          checkServer: 'string',
          checkPort: 'string',
          checkEnable: 'string',
          automaticCheck: 'number',
          isDefault: 'number',
          resqEngineAccounts: 'array?',
          respTaskEngineLines: 'array',
        });
      const accounts = engines.flatMap((engine) => (engine.resqEngineAccounts as Row[] | null) ?? []);
      expect(accounts.length).toBeGreaterThan(0);
      for (const account of accounts) expectFields(account, { bid: 'string', name: 'string', password: 'string' });
    },
  }),
  get_transfer_server_info: () => ({
    args: { zone: 1 },
    check: (data) => {
      expectFields(data, { clientVersion: 'string', protocolVersion: 'string', raysyncTransfer: 'object' });
      expectFields((data as Row).raysyncTransfer, {
        serverIp: 'string',
        serverPort: 'number',
        proxyIp: 'string',
        proxyPort: 'number',
        sslPort: 'number',
        port: 'number',
      });
    },
  }),
  get_raysync_user_key: () => ({
    args: {},
    check: (data) =>
      expectFields(data, {
        channel: 'number',
        platform: 'number',
        signature: 'string',
        userKey: 'string',
        id: 'number',
        userName: 'string',
        loginTime: 'number',
        raySyncUserKey: 'string',
      }),
  }),
  list_output_files: (farm) => {
    const task = find.simple(farm, 25);
    return {
      args: { treePath: '/', taskId: task.id },
      check: (data) => {
        expect(data).toEqual([
          expect.objectContaining({
            fileName: task.outputFileName,
            filePath: `/${String(task.outputFileName)}`,
            directory: true,
            fileSize: null,
            fileType: null,
          }),
        ]);
        expectFields((data as Row[])[0], {
          fileName: 'string',
          fileSize: 'number?',
          iconPath: 'string?',
          lastModify: 'string',
          fileType: 'string?',
          filePath: 'string',
          directory: 'boolean',
          isArrears: 'number',
        });
      },
    };
  },
} satisfies Cases;
