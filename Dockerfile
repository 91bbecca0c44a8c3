# rayvision-mcp as a container: Streamable HTTP on port 3000 by default (README, "Container image").
#   docker build -t rayvision-mcp .        (podman build works the same)
# Stdio instead: docker run -i --rm -e ... rayvision-mcp --sandbox   (any arguments replace the HTTP ones)
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No dependency needs an install script, so none runs.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/build.ts ./scripts/
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# dist/ carries its dependencies inside (scripts/build.ts), so this installs nothing today; it stays for any
# runtime dependency added later.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY LICENSE ./
# The MCP Registry checks this label against the server name (server.json, package.json mcpName).
LABEL io.modelcontextprotocol.server.name="io.github.rayvision-mcp/rayvision-mcp" \
      org.opencontainers.image.title="rayvision-mcp" \
      org.opencontainers.image.description="MCP server for the Rayvision render farms (Renderbus, Fox Renderfarm, Dayan cloud)" \
      org.opencontainers.image.source="https://github.com/rayvision-mcp/rayvision-mcp" \
      org.opencontainers.image.licenses="MIT"
# The official image's unprivileged user. The server writes nothing to disk but the V8 code cache below.
USER node
# The code cache of the bundle (src/launcher.ts), written once here by a start that answers initialize and
# tools/list, so that every fresh container (a client running `docker run -i --rm` per session) deserialises the
# start-up code instead of compiling it. A start that cannot use it (other V8 flags) compiles as usual.
ENV NODE_COMPILE_CACHE=/home/node/.cache/rayvision-mcp
RUN printf '%s\n' \
      '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"warm-up","version":"1"}}}' \
      '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
      '{"jsonrpc":"2.0","id":2,"method":"tools/list"}' \
    | RAYVISION_API_ACCESS_ID=warm-up RAYVISION_API_ACCESS_KEY=warm-up node dist/cli.js > /dev/null
EXPOSE 3000
ENTRYPOINT ["node", "dist/cli.js"]
# Off loopback the server refuses to start without RAYVISION_HTTP_TOKEN, and on 0.0.0.0 without
# RAYVISION_HTTP_ALLOWED_HOSTS (the Host names clients use): pass both with -e.
CMD ["--http", "--host", "0.0.0.0", "--port", "3000"]
