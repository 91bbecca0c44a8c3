/**
 * The client set-ups of README.md's "Connect your client" section, read out of its code blocks exactly as a user
 * copies them, so a test can start each one: the JSON configs (Claude Desktop, VS Code, Cursor), the
 * `claude mcp add ... -- <command>` lines and the shell line that starts the HTTP server.
 */
export interface ClientExample {
  /** Where it comes from: the subsection heading and the server's name in the config. */
  label: string;
  command: string;
  args: string[];
  env: Record<string, string>;
}

export interface ClientSection {
  stdio: ClientExample[];
  /** Shell commands that start the server over HTTP. */
  http: ClientExample[];
  /** URLs given to clients for the HTTP server (`claude mcp add --transport http <name> <url>`). */
  httpUrls: string[];
}

export function readClientSection(readme: string, heading = '## Connect your client'): ClientSection {
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README.md has no "${heading}" section`);
  const end = readme.indexOf('\n## ', start + heading.length + 2);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const found: ClientSection = { stdio: [], http: [], httpUrls: [] };
  let subsection = heading.replace(/^#+ /, '');
  for (const part of section.split(/^(### .*)$/m)) {
    if (part.startsWith('### ')) {
      subsection = part.slice(4).trim();
      continue;
    }
    for (const [, language, body] of part.matchAll(/```(\w+)\n([\s\S]*?)```/g)) {
      if (language === 'json') readJsonConfig(subsection, body!, found);
      if (language === 'sh') readShellLines(subsection, body!, found);
    }
  }
  return found;
}

interface ServerEntry {
  type?: string;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
}

function readJsonConfig(subsection: string, text: string, found: ClientSection): void {
  const config = JSON.parse(text) as { mcpServers?: Record<string, ServerEntry>; servers?: Record<string, ServerEntry> };
  for (const [name, entry] of Object.entries(config.mcpServers ?? config.servers ?? {})) {
    if (entry.type && entry.type !== 'stdio') continue;
    if (!entry.command) throw new Error(`${subsection}: server "${name}" has no command`);
    found.stdio.push({ label: `${subsection}: ${name}`, command: entry.command, args: entry.args ?? [], env: entry.env ?? {} });
  }
}

function readShellLines(subsection: string, text: string, found: ClientSection): void {
  const lines = text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter(Boolean);
  for (const line of lines) {
    const words = line.split(/\s+/);
    if (words[0] === 'claude' && words[1] === 'mcp' && words[2] === 'add') {
      if (words.includes('--transport')) {
        found.httpUrls.push(words.at(-1)!);
        continue;
      }
      const separator = words.indexOf('--');
      const env: Record<string, string> = {};
      for (let i = 3; i < separator; i++) if (words[i] === '-e') assign(env, words[++i]!);
      const [command, ...args] = words.slice(separator + 1);
      found.stdio.push({ label: `${subsection}: ${words[3]}`, command: command!, args, env });
      continue;
    }
    const env: Record<string, string> = {};
    while (/^[A-Z_][A-Z0-9_]*=/.test(words[0] ?? '')) assign(env, words.shift()!);
    const [command, ...args] = words;
    if (command && args.includes('--http')) found.http.push({ label: `${subsection}: ${command}`, command, args, env });
  }
}

function assign(env: Record<string, string>, pair: string): void {
  const equals = pair.indexOf('=');
  env[pair.slice(0, equals)] = pair.slice(equals + 1);
}
