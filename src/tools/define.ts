import type { ResourceLink, ToolAnnotations } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import type { Connector } from '../client/connector.js';
import type { Logger } from '../client/log.js';
import { OPERATIONS, type OperationId, type Safety, type Toolset } from '../client/operations.js';

/** Everything a tool handler may use. `call` is bound to the MCP request's cancellation signal. */
export interface ToolContext {
  call<T = unknown>(operation: OperationId, body?: Record<string, unknown>): Promise<T>;
  connector: Connector;
  signal: AbortSignal;
  logger: Logger;
  /** RAYVISION_REVEAL_SECRETS=1: show passwords and keys the farm returns. */
  revealSecrets: boolean;
  /** Sends an MCP progress notification when the client asked for progress; otherwise does nothing. */
  progress(progress: number, total?: number, message?: string): Promise<void>;
}

/** A refusal decided by this server (not the farm); its message is already the whole sentence. */
export class RefusedError extends Error {}

/** A tool's successful answer: compact text for the model, and the same facts as structured content. */
export interface ToolAnswer<S> {
  text: string;
  structured: S;
  /** Resources the answer refers to (sent as resource_link content). */
  links?: ResourceLink[];
}

/** What a destructive tool will affect, shown before it acts. */
export interface Preview {
  /** One line per affected item, e.g. `19097  2W19097  shot12.ma  rendering  120/240 frames`. */
  lines: string[];
  /** Short phrase for the question, e.g. `delete 3 tasks`. */
  action: string;
  /** Structured form of the affected items. */
  items: Record<string, unknown>[];
}

type Shape = z.ZodRawShape;
type Args<I extends Shape> = z.infer<z.ZodObject<I>>;

export interface ToolSpec<I extends Shape, O extends Shape> {
  /** Tool name of a workflow tool; an API tool is named by its operation id. */
  name?: string;
  /** The catalog operation this tool exposes (gives its name, toolset and safety class). */
  operation?: OperationId;
  toolset?: Toolset;
  safety?: Safety;
  title: string;
  description: string;
  input: I;
  output: O;
  /** Same arguments, same effect. Reads are idempotent; for others it defaults to false. */
  idempotent?: boolean;
  /** Destructive tools: what would be affected (fetched from the farm, no change made). */
  preview?: (args: Args<I>, ctx: ToolContext) => Promise<Preview>;
  handler: (args: Args<I>, ctx: ToolContext) => Promise<ToolAnswer<z.infer<z.ZodObject<O>>>>;
}

export interface ToolDefinition<I extends Shape = Shape, O extends Shape = Shape> extends ToolSpec<I, O> {
  name: string;
  toolset: Toolset;
  safety: Safety;
  annotations: ToolAnnotations;
}

/** The one way to define a tool: fills the toolset, safety class and all four annotation hints. */
export function defineTool<I extends Shape, O extends Shape>(spec: ToolSpec<I, O>): ToolDefinition<I, O> {
  const operation = spec.operation ? OPERATIONS[spec.operation] : undefined;
  const name = spec.name ?? spec.operation;
  const toolset = spec.toolset ?? operation?.toolset;
  const safety = spec.safety ?? operation?.safety;
  if (!name || !toolset || !safety) throw new Error(`tool ${name ?? spec.title} needs an operation, or a name, toolset and safety`);
  if (safety === 'destructive' && !spec.preview) throw new Error(`destructive tool ${name} needs a preview`);
  return {
    ...spec,
    name,
    toolset,
    safety,
    // The title travels as the tool's own `title`; repeating it in the annotations would only add bytes.
    annotations: {
      readOnlyHint: safety === 'read',
      destructiveHint: safety === 'destructive',
      idempotentHint: safety === 'read' ? true : (spec.idempotent ?? false),
      openWorldHint: true,
    },
  };
}

// A tool list holds tools of many shapes; the registry only needs the common surface.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTool = ToolDefinition<any, any>;
