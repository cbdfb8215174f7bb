# syntax=docker/dockerfile:1
#
# Image of the Workable video bridge. Build: docker build -t workable-video-bridge .
# Checked without a Docker engine by test/container/dockerfile.container.ts, which replays these
# instructions (COPY, ENV, RUN, CMD, HEALTHCHECK) on the host: keep WORKDIR /app and relative paths in RUN.
#
# Node.js 24 is the Active LTS line (supported until April 2028). 22 is in maintenance until April 2027 and
# 20 reached end of life on 2026-04-30. For reproducible builds, pin the digest as well:
# FROM node:24-bookworm-slim@sha256:<digest> AS base
FROM node:24-bookworm-slim AS base
WORKDIR /app

# Tools for the one native dependency (sqlite3, pulled in by @keyv/sqlite). Only the build stages get them.
FROM base AS toolchain
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# nodedir: compile against the headers that ship in this image, so node-gyp downloads nothing.
# build_from_source: build sqlite3 from the locked source instead of fetching a prebuilt binary from GitHub.
ENV npm_config_nodedir=/usr/local \
    npm_config_build_from_source=true \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
# .npmrc carries engine-strict=true: an install on a Node.js outside "engines" fails here, not at run time.
COPY package.json package-lock.json .npmrc ./

# Compiles TypeScript to dist/ with the full (dev) dependency tree.
FROM toolchain AS build
RUN --mount=type=cache,target=/root/.npm npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Production dependencies only. It shares the base image with the runtime stage, so the compiled sqlite3
# binary is built for exactly the Node.js (ABI, glibc) that will load it, and the runtime has no compiler.
FROM toolchain AS prod-deps
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev

FROM base AS runtime
ENV NODE_ENV=production
# package.json is needed at run time: its "type": "module" makes node load dist/*.js as ES modules.
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Defaults only. Production mounts its own config over it, read-only (./config:/app/config:ro);
# config/accounts.yaml is kept out of the image by .dockerignore, so a bare image starts in sandbox mode.
COPY config ./config
# The one writable path: the SQLite store's default (data/bridge.sqlite) and sandbox credentials.
# The code and config above stay owned by root, so the app cannot modify them.
RUN mkdir -p data && chown node:node data
# "node" (uid 1000) is the unprivileged user that the official Node.js images provide.
USER node
EXPOSE 3000
# server.ts drains requests and closes the store on SIGTERM, then exits (server.shutdown_timeout_ms, 15 s).
STOPSIGNAL SIGTERM
# Liveness only (/healthz); readiness (/readyz) is for load balancers. Slim images have no curl: node's fetch.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))"]
# node itself is PID 1 (no npm, no shell in front), so SIGTERM reaches the handler in server.ts.
CMD ["node", "dist/server.js"]
