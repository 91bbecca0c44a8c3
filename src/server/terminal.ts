/**
 * A person who starts the server by hand in a terminal sees a silent process. When stdin is a terminal (never the
 * case for a client, which talks over pipes) a short note on stderr says what it is and how to use it; stdout
 * stays untouched.
 */

/** The README section a person needs next; test/terminal.test.ts keeps it in step with package.json and README.md. */
export const CONNECT_SECTION_URL = 'https://github.com/rayvision-mcp/rayvision-mcp#connect-your-client';

export function terminalNote(options: { sandbox: boolean }): string {
  return [
    'rayvision-mcp: this is an MCP server; it talks JSON-RPC over stdin/stdout with the MCP client that starts it, not with a person at a terminal.',
    `rayvision-mcp: to connect a client (Claude Desktop, Claude Code, VS Code, Cursor...), see "Connect your client" in the README: ${CONNECT_SECTION_URL}`,
    options.sandbox
      ? 'rayvision-mcp: press Ctrl-C to quit.'
      : 'rayvision-mcp: no account? Start it with --sandbox to try a simulated farm. Press Ctrl-C to quit.',
    '',
  ].join('\n');
}

/** Writes the note when stdin is a terminal, unless the log level is `silent`. */
export function noteIfTerminal(
  options: { sandbox: boolean; silent: boolean },
  stdin: { isTTY?: boolean } = process.stdin,
  stderr: NodeJS.WritableStream = process.stderr,
): void {
  if (stdin.isTTY && !options.silent) stderr.write(terminalNote(options));
}
