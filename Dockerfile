# syntax=docker/dockerfile:1
#
# Workflow engine API image: TypeScript compiled to dist/, run by plain node (no tsx at run time).
#
#   docker build -t wuye-kefu-engine .
#   docker run --rm --init -p 3000:3000 -e ADMIN_TOKEN=... -v engine-data:/var/lib/engine wuye-kefu-engine
#
# See docs/deployment.md. The development machines have no Docker engine, so this file is written and
# reviewed there but first built elsewhere: watch the first real build.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------------
# build: install everything, compile, then drop the devDependencies
# ---------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build

# better-sqlite3 (~12) builds its native addon from source when no prebuilt binary can be fetched.
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so that source edits do not invalidate this layer.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime dependencies only (fastify, zod, better-sqlite3 with its compiled addon, @eventstore/db-client, ...).
RUN npm prune --omit=dev --no-audit --no-fund \
    && npm cache clean --force

# ---------------------------------------------------------------------------------------------------
# runtime: same base (same glibc as the one better-sqlite3 was compiled against), no compilers
# ---------------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime

ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/var/lib/engine \
    RULES_DIR=/app/rules \
    LOG_LEVEL=info

WORKDIR /app

# The data directory (SQLite event store and anything else the engine keeps on disk) belongs to the
# unprivileged `node` user (uid 1000) that the base image provides. It is created and chowned before
# VOLUME is declared so that a fresh named volume inherits the ownership.
RUN mkdir -p /var/lib/engine && chown node:node /var/lib/engine

# Application files stay owned by root: the process can read them but not change them.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/package.json ./package.json
COPY rules ./rules
# The dashboard page and its scripts are served as they are, without a build step.
COPY web ./web

USER node

VOLUME ["/var/lib/engine"]

# The server listens on HOST:PORT, HOST defaulting to 0.0.0.0; a HOST of 127.0.0.1 would pass the
# health check below yet be unreachable through a published port.
EXPOSE 3000

# node:20 has a global fetch; the slim image has no curl.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# The engine handles SIGTERM itself (stops accepting, drains in-flight requests, closes the store).
# Without --init node runs as PID 1, which has no default signal handlers; the engine installs its own
# at start. `docker run --init` / compose `init: true` adds a minimal init that also reaps zombies.
STOPSIGNAL SIGTERM

CMD ["node", "dist/src/main.js"]
