# syntax=docker/dockerfile:1
#
# Two stages: a full Node image compiles TypeScript and prunes dev dependencies; the runtime is
# distroless Node (no shell, no npm, no package manager), running as the non-root user.

ARG NODE_MAJOR=22

FROM node:${NODE_MAJOR}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency needs an install script at build time, and none should run.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM gcr.io/distroless/nodejs${NODE_MAJOR}-debian12:nonroot AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    IMPRIMATUR_HOST=0.0.0.0 \
    IMPRIMATUR_PORT=4000
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER nonroot
EXPOSE 4000
# Probe paths for orchestrators: GET /healthz (liveness) and GET /readyz (readiness).
# Node is the entrypoint of the distroless image, so the check runs with node itself (no curl/shell).
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/nodejs/bin/node", "-e", "fetch('http://127.0.0.1:'+(process.env.IMPRIMATUR_PORT||4000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM directly; src/main.ts installs SIGTERM/SIGINT
# handlers that drain and exit (PID 1 gets no default signal handling), and the service spawns no
# child processes, so there are no zombies to reap.
CMD ["dist/main.js"]
