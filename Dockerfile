# syntax=docker/dockerfile:1
# pension-aid API image. Needs DATABASE_URL (see docker-compose.yml): the embedded PostgreSQL packages are
# optional dependencies and are not installed here. test/integration/image.test.ts replays these steps on
# the host (no Docker engine runs in CI); it knows FROM/ENV/WORKDIR/COPY/RUN/USER/EXPOSE/HEALTHCHECK/CMD.

# Build stage: all dependencies, TypeScript compiled to dist/.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

# Runtime stage: production dependencies only (no TypeScript, tsx, test tools or embedded PostgreSQL) and
# the compiled JavaScript. node is PID 1 and gets SIGTERM from `docker stop` itself (no npm or shell between).
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# The npm cache lives in a BuildKit cache mount, outside the image's layers.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --omit=optional --no-audit --no-fund
# echarts ships every build of itself (51 MB in dist/); the server's require('echarts') loads dist/echarts.js only
# (dist/package.json says it is CommonJS: keep it).
RUN find node_modules/echarts/dist -type f ! -name echarts.js ! -name package.json -delete
COPY --from=build /app/dist ./dist
# Trusted documents (PA_TRUSTED_DOCUMENTS) read the portals' manifests at start-up.
COPY schema/operations ./schema/operations
# The charts' font (GET /reports/dispatch.svg, the XLSX chart sheet): a CJK subset, read at run time.
COPY assets ./assets
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/readyz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "--max-old-space-size=256", "--max-semi-space-size=32", "dist/src/main.js"]
