import type { ResourceLink, ToolAnnotations } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import type { FarmApi } from '../client/api/index.js';
import type { Logger } from '../client/log.js';
import { OPERATIONS, type OperationId, type Safety } from '../client/operations.js';
import type { Estimate } from './support/cost.js';
import type { Toolset } from './toolsets.js';

/** Everything a tool handler may use. */
export interface ToolContext {
  /** The farm, every call bound to the MCP request's cancellation signal. */
  api: FarmApi;
  signal: AbortSignal;
  logger: Logger;
  /** RAYVISION_REVEAL_SECRETS=1: show passwords and keys the farm returns. */
  revealSecrets: boolean;
  /** Sends an MCP progress notification when the client asked for progress; otherwise does nothing. */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /** Whether this server offers a tool (toolsets, read-only mode), so an answer only suggests calls that work. */
  offers(tool: string): boolean;
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

/** What a destructive or costly tool will affect, shown before it acts. */
export interface Preview {
  /** One line per affected item, e.g. `19097  2W19097  shot12.ma  rendering  120/240 frames`. */
  lines: string[];
  /** Short phrase for the question, e.g. `delete 3 tasks`. */
  action: string;
  /** Structured form of the affected items. */
  items: Record<string, unknown>[];
  /** Costly tools: what the action would bill (the spending guard compares it with RAYVISION_MAX_COST). */
  estimate?: Estimate;
  /** Costly tools: why the action cannot work at all (nothing would be sent), instead of what it would do. */
  blocked?: string;
}

type Shape = z.ZodRawShape;
type Args<I extends Shape> = z.infer<z.ZodObject<I>>;

/** What every tool has, its argument and answer shapes as built (ToolDefinition builds them on first use). */
interface ToolBase<I extends Shape, O extends Shape> {
  /** The toolset that enables the tool (src/tools/toolsets.ts). */
  toolset: Toolset;
  description: string;
  input: I;
  output: O;
  /** Same arguments, same effect. Reads are idempotent; for others it defaults to false. */
  idempotent?: boolean;
  /** Destructive and costly tools: what would be affected (fetched from the farm, no change made). */
  // Method syntax: a list of tools of many shapes (AnyTool) can then hold each of them.
  preview?(args: Args<I>, ctx: ToolContext): Promise<Preview>;
  handler(args: Args<I>, ctx: ToolContext): Promise<ToolAnswer<z.infer<z.ZodObject<O>>>>;
}

/**
 * A tool as written: the shapes are functions, called when first needed. A start lists tools from the schemas the
 * build derived (tools/registry.ts), so it builds no tool's zod schemas at all, and a call builds only its tool's input.
 */
interface SpecBase<I extends Shape, O extends Shape> extends Omit<ToolBase<I, O>, 'input' | 'output'> {
  input: () => I;
  output: () => O;
}

/** A tool that exposes one catalog operation: its name, title and safety class come from the catalog entry. */
interface ApiToolSpec<I extends Shape, O extends Shape, Id extends OperationId> extends SpecBase<I, O> {
  operation: Id;
}

/** A workflow tool: several operations in one call, named and classed here. */
interface WorkflowToolSpec<I extends Shape, O extends Shape> extends SpecBase<I, O> {
  name: string;
  title: string;
  safety: Safety;
  operation?: never;
}

export type ToolSpec<I extends Shape, O extends Shape, Id extends OperationId = OperationId> = ApiToolSpec<I, O, Id> | WorkflowToolSpec<I, O>;

export interface ToolDefinition<I extends Shape = Shape, O extends Shape = Shape> extends ToolBase<I, O> {
  name: string;
  title: string;
  safety: Safety;
  operation?: OperationId;
  annotations: ToolAnnotations;
}

/** The tool of one catalog operation (src/tools/index.ts keys them by operation, so none can be missing). */
export type ApiTool<Id extends OperationId> = AnyTool & { operation: Id };

/** The one way to define a tool: fills the name, title, safety class and all four annotation hints. */
export function defineTool<I extends Shape, O extends Shape, Id extends OperationId>(spec: ApiToolSpec<I, O, Id>): ToolDefinition<I, O> & { operation: Id };
export function defineTool<I extends Shape, O extends Shape>(spec: WorkflowToolSpec<I, O>): ToolDefinition<I, O>;
export function defineTool<I extends Shape, O extends Shape>(spec: ToolSpec<I, O>): ToolDefinition<I, O> {
  const { name, title, safety } = spec.operation ? { name: spec.operation, ...OPERATIONS[spec.operation] } : (spec as WorkflowToolSpec<I, O>);
  if ((safety === 'destructive' || safety === 'costly') && !spec.preview) throw new Error(`${safety} tool ${name} needs a preview`);
  const { input, output, ...rest } = spec;
  let inputShape: I | undefined;
  let outputShape: O | undefined;
  return {
    ...rest,
    name,
    title,
    safety,
    get input() {
      return (inputShape ??= input());
    },
    get output() {
      return (outputShape ??= output());
    },
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
// biome-ignore lint/suspicious/noExplicitAny: any tool's input and output shapes
export type AnyTool = ToolDefinition<any, any>;
