# syntax=docker/dockerfile:1
# clipcast: the API, the worker and the CLI in one image.
#   docker build -t clipcast .
#   docker run --rm -v clipcast-data:/data -e CLIPCAST_SECRET_KEY=… -p 8080:8080 clipcast
# The image runs `clipcast serve --host 0.0.0.0 --port 8080` (API + worker) unless given another command;
# compose.yaml splits the API (`serve --no-worker`) from the workers (`worker`).

# --- build: compile TypeScript and the native SQLite addon, then drop the dev dependencies ---
FROM node:24-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY web ./web
COPY scripts ./scripts
COPY examples ./examples
# `npm ci` runs the `prepare` script, which builds dist/ (tsc), dist/web/ (vite) and dist/bin/ (the CLI bundle).
RUN npm ci && npm prune --omit=dev && rm -rf src

# --- runtime: slim Node, no compiler, not root ---
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    CLIPCAST_HOME=/data
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/examples ./examples
COPY LICENSE README.md ./
RUN mkdir -p /data && chown node:node /data \
 && chmod 0755 /app/bin/clipcast.js && ln -s /app/bin/clipcast.js /usr/local/bin/clipcast
USER node
VOLUME ["/data"]
EXPOSE 8080
# /readyz: the store answers and (unless the API runs with --no-worker) a worker's heartbeat is fresh.
# Node's fetch, because the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["clipcast"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
