import { type JSONRPCRequest, type Result, Server, type ServerContext } from '@modelcontextprotocol/server';

type Handler = (request: JSONRPCRequest, ctx: ServerContext) => Promise<Result>;
/** The SDK's private seam for input_required results (2026-07-28 confirmations; 2025 elicitation through its shim). */
type InputRequiredSeam = (method: string, handler: Handler, request: JSONRPCRequest, ctx: ServerContext) => Promise<Result>;

/**
 * The SDK's `Server` without its second check of every tools/call. `setRequestHandler` validates each request
 * against the negotiated era's schema before the handler runs; `Server`'s `_wrapHandler` hook then validates the same
 * request again for tools/call, and the result as well. Together that was an eighth of what the server allocated per
 * call and about a tenth of its CPU (bench: overhead). The results are this server's own, built in one place
 * (tools/registry.ts), and every client, the SDK's included, checks them on arrival, so the tests check them too.
 *
 * The hook still goes through the SDK's input-required seam, so confirmations work as before on both eras. It is a
 * private method: if an SDK release renames it, `skipsSecondCheck` turns false, the SDK's own wrapper is used, and
 * test/farm-server.test.ts fails.
 */
export class FarmServer extends Server {
  static readonly skipsSecondCheck = typeof seamOf(Server.prototype) === 'function';

  protected override _wrapHandler(method: string, handler: Handler): Handler {
    const seam = seamOf(this);
    if (method !== 'tools/call' || typeof seam !== 'function') return super._wrapHandler(method, handler);
    return (request, ctx) => seam.call(this, method, handler, request, ctx);
  }
}

function seamOf(server: object): InputRequiredSeam | undefined {
  return (server as { _invokeInputRequiredCapableHandler?: InputRequiredSeam })._invokeInputRequiredCapableHandler;
}
