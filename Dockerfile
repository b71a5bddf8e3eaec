# syntax=docker/dockerfile:1
#
# Two stages: a full Node image compiles TypeScript, bundles the GraphiQL page and prunes dev
# dependencies; the runtime is distroless Node (no shell, no npm, no package manager), running as
# the non-root user. How this file was checked without a Docker engine: docs/docker.md.

ARG NODE_MAJOR=22

FROM node:${NODE_MAJOR}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no install script is needed (esbuild's only checks its binary, which npm installs
# as a platform package; @apollo/protobufjs's prints a notice), and none should run at build time.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
# Only the build step's own script: the others (demo, schema emit) import test fixtures and are not
# part of the image, and copying them would invalidate this layer on every edit.
COPY scripts/build-graphiql.ts ./scripts/
COPY src ./src
# The build copies the OpenAPI document to dist/openapi.yaml, so GET /openapi.yaml works in the image.
COPY openapi/openapi.yaml ./openapi/
# `npm run build` = tsc (which also copies the imported trust root JSON into dist/) + the GraphiQL
# bundle into dist/graphiql-assets/ (devDependencies only, so it must happen before the prune).
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM gcr.io/distroless/nodejs${NODE_MAJOR}-debian12:nonroot AS runtime
WORKDIR /app
# No IMPRIMATUR_PORT here: it would take precedence over PORT, which platforms such as Cloud Run
# set for the container; without either the service listens on 4000 (src/config).
ENV NODE_ENV=production \
    IMPRIMATUR_HOST=0.0.0.0
# Root-owned and not writable by the runtime user: the service never writes to its own files.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Numeric (the distroless `nonroot` user): Kubernetes `runAsNonRoot` cannot verify a user *name* and
# refuses to start such a container.
USER 65532:65532
EXPOSE 4000
# Probe paths for orchestrators: GET /healthz (liveness) and GET /readyz (readiness).
# Node is the entrypoint of the distroless image, so the check runs with node itself (no curl/shell).
# Docker only: OCI-format images (buildah/podman default, Kubernetes) drop HEALTHCHECK; use probes there.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/nodejs/bin/node", "-e", "fetch('http://127.0.0.1:'+(process.env.IMPRIMATUR_PORT||process.env.PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM directly; src/main.ts installs SIGTERM/SIGINT
# handlers that drain and exit (PID 1 gets no default signal handling), and the service spawns no
# child processes, so there are no zombies to reap.
CMD ["dist/main.js"]
