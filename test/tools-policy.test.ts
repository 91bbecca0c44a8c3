import type { Tool } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOperationId } from '../src/client/operations.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { createConfirmations } from '../src/tools/confirm.js';
import { ALL_TOOLS } from '../src/tools/index.js';
import { CANARY_ACCESS_KEY } from './helpers/canary.js';
import { callTool, startHarness, type Harness } from './helpers/harness.js';

let sandbox: Sandbox;
let someTaskIds: number[];

beforeAll(async () => {
  sandbox = await startSandbox({ seed: 7, accessKey: CANARY_ACCESS_KEY });
  const h = await startHarness({ reuse: sandbox });
  const list = await callTool(h.client, 'get_task_list', { page_size: 5 });
  someTaskIds = ((list.structured?.['tasks'] as { id: number }[] | undefined) ?? []).map((t) => t.id);
  await h.close();
});
afterAll(() => sandbox.close());

async function withHarness<T>(options: Parameters<typeof startHarness>[0], run: (h: Harness) => Promise<T>): Promise<T> {
  const h = await startHarness({ reuse: sandbox, ...options });
  try {
    return await run(h);
  } finally {
    await h.close();
  }
}

describe('destructive tools need confirmation', () => {
  it('in token mode, previews without any write, then acts only with the token for exactly those arguments', async () => {
    await withHarness({ settings: { confirmationMode: 'token' } }, async ({ client }) => {
      const target = someTaskIds.slice(0, 2);
      expect(target.length).toBe(2);
      sandbox.requests.reset();
      const preview = await callTool(client, 'delete_task', { task_ids: target });
      expect(preview.isError).toBe(false);
      expect(preview.structured).toMatchObject({ status: 'confirmation_required' });
      expect(sandbox.requests.count('delete_task')).toBe(0);
      const token = preview.structured!['confirmation_token'] as string;
      expect(preview.text).toContain(token);
      // The assistant is told that the token is the user's to give.
      expect(preview.text).toMatch(/Only if the user agrees/);

      const other = await callTool(client, 'delete_task', { task_ids: [target[0]], confirmation_token: token });
      expect(other.isError).toBe(true);
      expect(other.text).toMatch(/issued for different arguments/);
      expect(other.structured).toBeUndefined();
      expect(sandbox.requests.count('delete_task')).toBe(0);

      const done = await callTool(client, 'delete_task', { task_ids: target, confirmation_token: token });
      expect(done.isError).toBe(false);
      expect(done.structured).toMatchObject({ status: 'done' });
      expect(sandbox.requests.count('delete_task')).toBe(1);

      const again = await callTool(client, 'delete_task', { task_ids: target, confirmation_token: token });
      expect(again.isError).toBe(true);
      expect(again.text).toMatch(/already used/);
      expect(sandbox.requests.count('delete_task')).toBe(1);
    });
  });

  it('accepts the console alias in place of the id when confirming', async () => {
    await withHarness({ settings: { confirmationMode: 'token' } }, async ({ client }) => {
      const id = someTaskIds[2]!;
      const preview = await callTool(client, 'delete_task', { task_ids: [id] });
      const token = preview.structured!['confirmation_token'] as string;
      const done = await callTool(client, 'delete_task', { task_ids: [`2W${id}`], confirmation_token: token });
      expect(done.structured).toMatchObject({ status: 'done' });
    });
  });

  it('refuses an expired token', async () => {
    let now = Date.now();
    const confirmations = createConfirmations('token', undefined, () => now);
    await withHarness({ settings: { confirmationMode: 'token' }, confirmations }, async ({ client }) => {
      sandbox.requests.reset();
      const preview = await callTool(client, 'delete_task', { task_ids: [someTaskIds[3]] });
      now += 5 * 60_000 + 1000;
      const late = await callTool(client, 'delete_task', { task_ids: [someTaskIds[3]], confirmation_token: preview.structured!['confirmation_token'] });
      expect(late.isError).toBe(true);
      expect(late.text).toMatch(/expired/);
      expect(sandbox.requests.count('delete_task')).toBe(0);
    });
  });

  it('asks the user through elicitation when the client supports it, and honours a refusal', async () => {
    const asked: string[] = [];
    const elicit = (message: string) => {
      asked.push(message);
      return { action: 'decline' as const };
    };
    await withHarness({ elicit }, async ({ client }) => {
      sandbox.requests.reset();
      const result = await callTool(client, 'delete_task', { task_ids: [someTaskIds[4]] });
      expect(result.structured).toMatchObject({ status: 'cancelled' });
      expect(asked[0]).toContain(String(someTaskIds[4]));
      expect(sandbox.requests.count('delete_task')).toBe(0);
    });
    await withHarness({ elicit: () => ({ action: 'accept', content: { confirm: true } }) }, async ({ client }) => {
      const result = await callTool(client, 'delete_task', { task_ids: [someTaskIds[4]] });
      expect(result.structured).toMatchObject({ status: 'done' });
      expect(sandbox.requests.count('delete_task')).toBe(1);
    });
  });

  it('fails closed when the client cannot ask the user, naming the setting, in the default and elicitation modes', async () => {
    for (const confirmationMode of ['auto', 'elicitation'] as const) {
      await withHarness({ settings: { confirmationMode } }, async ({ client }) => {
        sandbox.requests.reset();
        for (const tool of ['delete_task', 'abandon_task']) {
          const result = await callTool(client, tool, { task_ids: [someTaskIds[0]] });
          expect(result.isError, tool).toBe(true);
          expect(result.text).toMatch(/did nothing: it needs the user's confirmation, and this client cannot ask the user/);
          expect(result.text).toContain('RAYVISION_CONFIRMATION=token');
        }
        expect(sandbox.requests.count('delete_task') + sandbox.requests.count('abandon_task')).toBe(0);
      });
    }
  });

  it('refuses a confirmation token unless the operator chose token mode', async () => {
    const issuer = createConfirmations('token');
    const { token } = issuer.tokens.issue('delete_task', { task_ids: [someTaskIds[0]] });
    for (const confirmationMode of ['auto', 'elicitation'] as const) {
      await withHarness({ settings: { confirmationMode }, confirmations: { ...issuer, mode: confirmationMode } }, async ({ client }) => {
        sandbox.requests.reset();
        const result = await callTool(client, 'delete_task', { task_ids: [someTaskIds[0]], confirmation_token: token });
        expect(result.isError).toBe(true);
        expect(result.text).toMatch(/confirmation tokens are not accepted/);
        expect(sandbox.requests.count('delete_task')).toBe(0);
      });
    }
  });
});

describe('read-only mode and toolsets are enforced in the list and at call time', () => {
  it('read-only lists only read tools and refuses the others by name without a request', async () => {
    await withHarness({ settings: { readOnly: true } }, async ({ client }) => {
      const { tools } = await client.listTools();
      expect(tools.length).toBeGreaterThan(10);
      for (const tool of tools) expect(tool.annotations?.readOnlyHint, tool.name).toBe(true);
      sandbox.requests.reset();
      for (const name of ['delete_task', 'start_task']) {
        const result = await callTool(client, name, { task_ids: [someTaskIds[0]] });
        expect(result.isError, name).toBe(true);
        expect(result.text).toMatch(/this server runs read-only \(RAYVISION_READ_ONLY/);
      }
      expect(sandbox.requests.count()).toBe(0);
    });
  });

  it('read-only wins over an explicit toolset', async () => {
    await withHarness({ settings: { readOnly: true, toolsets: new Set(['tasks'] as const) } }, async ({ client }) => {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).not.toContain('delete_task');
      expect(tools.map((t) => t.name)).toContain('get_task_list');
    });
  });

  it('lists only the chosen toolsets and refuses tools of the others without a request', async () => {
    await withHarness({ settings: { toolsets: new Set(['frames'] as const) } }, async ({ client }) => {
      const { tools } = await client.listTools();
      for (const tool of tools.filter((t) => isOperationId(t.name))) expect(ALL_TOOLS.find((t) => t.name === tool.name)!.toolset).toBe('frames');
      sandbox.requests.reset();
      const result = await callTool(client, 'get_task_list', {});
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(/belongs to the "tasks" toolset, which is not enabled \(RAYVISION_TOOLSETS/);
      expect(sandbox.requests.count()).toBe(0);
      // A name no toolset has is a protocol error, not a refusal.
      await expect(client.callTool({ name: 'no_such_tool', arguments: {} })).rejects.toThrow(/Unknown tool "no_such_tool"/);
    });
  });
});

/** A deterministic generator of argument sets that break each tool's published input schema. */
function* invalidArguments(tools: Tool[], count: number): Generator<{ tool: string; args: Record<string, unknown>; field: string }> {
  let state = 12345;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const candidates = tools.filter((t) => Object.keys(t.inputSchema.properties ?? {}).length > 0);
  for (let i = 0; i < count; i++) {
    const tool = pick(candidates);
    const properties = tool.inputSchema.properties as Record<string, Record<string, unknown>>;
    const required = (tool.inputSchema.required as string[] | undefined) ?? [];
    const field = pick(Object.keys(properties));
    const schema = properties[field]!;
    const breakers: unknown[] = [{ nested: true }, null];
    if (schema.type === 'string') {
      breakers.push(['a', 'b']);
      if (typeof schema.maxLength === 'number') breakers.push('x'.repeat(schema.maxLength + 1));
    }
    if (schema.type === 'integer' || schema.type === 'number') {
      breakers.push('12abc', true, 1.5);
      if (typeof schema.maximum === 'number') breakers.push(schema.maximum + 1);
      if (typeof schema.minimum === 'number') breakers.push(schema.minimum - 1);
    }
    if (schema.type === 'boolean') breakers.push('yes', 3);
    if (schema.type === 'array') {
      breakers.push('not-a-list', [{ deep: [1] }]);
      if (typeof schema.maxItems === 'number') breakers.push(Array.from({ length: schema.maxItems + 1 }, () => 1));
    }
    if (Array.isArray(schema.enum)) breakers.push('not_a_known_value');
    // Only the broken field is sent; required fields left out make the set invalid too, and the message must name them.
    if (required.length && random() < 0.2) {
      yield { tool: tool.name, args: {}, field: required[0]! };
      continue;
    }
    yield { tool: tool.name, args: { [field]: pick(breakers) }, field };
  }
}

describe('invalid input', () => {
  it('1,000 random invalid argument sets give only clear errors and send no request', async () => {
    await withHarness({}, async ({ client }) => {
      const { tools } = await client.listTools();
      sandbox.requests.reset();
      let checked = 0;
      for (const { tool, args, field } of invalidArguments(tools, 1000)) {
        const result = await callTool(client, tool, args);
        expect(result.isError, `${tool} ${JSON.stringify(args).slice(0, 120)}`).toBe(true);
        expect(result.structured).toBeUndefined();
        expect(result.text).toMatch(/^\w+: invalid arguments: .+\. Nothing was sent to the farm\.$/s);
        expect(result.text).not.toMatch(/\n\s+at /);
        expect(result.text).toContain(field);
        checked++;
      }
      expect(checked).toBe(1000);
      expect(sandbox.requests.count()).toBe(0);
    });
  });

  it('refuses an argument a tool does not take, on every tool, naming the ones it takes and the one meant', async () => {
    await withHarness({}, async ({ client }) => {
      const { tools } = await client.listTools();
      sandbox.requests.reset();
      for (const tool of tools) {
        const known = Object.keys(tool.inputSchema.properties ?? {});
        // The tool's first argument misspelt (`task_ids` → `task_idz`), or any key for a tool that takes none.
        const misspelt = known[0] ? `${known[0].slice(0, -1)}z` : 'task_id';
        const args = { [misspelt]: 1 };
        const result = await callTool(client, tool.name, args);
        expect(result.isError, `${tool.name} ${JSON.stringify(args)}`).toBe(true);
        expect(result.text).toMatch(new RegExp(`^${tool.name}: invalid arguments: .*unknown argument "${misspelt}"`));
        if (known[0]) expect(result.text, tool.name).toContain(`(did you mean "${known[0]}"?); this tool takes ${known.join(', ')}.`);
        else expect(result.text, tool.name).toContain('this tool takes no arguments.');
        expect(result.text).toMatch(/\. Nothing was sent to the farm\.$/);
      }
      expect(sandbox.requests.count()).toBe(0);
    });
  });
});
