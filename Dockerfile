# syntax=docker/dockerfile:1
# Build: compile TypeScript with all dependencies, then keep only the production ones.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# npm 11 may refuse its own lock in npm ci (see .ci/run); npm install then installs the locked versions.
RUN npm ci --no-audit --no-fund || npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY bench ./bench
# The web console (built by `npm run build` into dist/console, typed from schema.graphql).
COPY schema.graphql ./
COPY console ./console
RUN npm run build && npm prune --omit=dev

# Runtime: compiled code, production dependencies and config; runs as the unprivileged node user.
FROM node:22-bookworm-slim AS runtime
# A young generation of 64 MB semi-spaces (V8's default is 16): with many requests waiting on the
# database, each scavenge copies all of them, so fewer scavenges is less GC (bench/search).
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=64 \
    PORT=4000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --chown=root:root package.json ./
COPY --chown=root:root config ./config
# Message catalogs of the reports (and the console) and the map data the reports draw.
COPY --chown=root:root locales ./locales
COPY --chown=root:root assets ./assets
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 4000 4001
# `serve` answers /health on PORT, `worker` on WORKER_HEALTH_PORT; a container runs one of them.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "const ok=(p)=>fetch('http://127.0.0.1:'+p+'/health').then(r=>r.ok?r:Promise.reject());Promise.any([ok(process.env.PORT||4000),ok(process.env.WORKER_HEALTH_PORT||4001)]).then(()=>process.exit(0),()=>process.exit(1))"
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["serve"]
