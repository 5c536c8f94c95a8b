# fedtrust-bot as a container (Azure Container Apps, Kubernetes, any Docker host).
# Build: docker build -t fedtrust-bot .    Run: docker run -p 3978:3978 --env-file .env fedtrust-bot
# The same runtime files as scripts/check-production-install.sh checks in CI: dist/, cards/, bin/,
# package*.json and production dependencies only.

# --- build: every dependency, compile TypeScript --------------------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/prepare.cjs scripts/prepare.cjs
# No sources yet: skip prepare here, build below (better-sqlite3 still installs its binary).
RUN npm ci --no-audit --no-fund --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY src src
RUN npx tsc -p tsconfig.build.json

# --- runtime: production dependencies, the compiled bot, non-root ---------------------------------
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=3978 \
    DATABASE_URL=sqlite:/data/fedtrust.db
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/prepare.cjs scripts/prepare.cjs
COPY --from=build /app/dist dist
COPY cards cards
COPY bin bin
RUN npm ci --omit=dev --no-audit --no-fund \
    && npm cache clean --force \
    && mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3978
# /readyz: 200 only when the store can be read and written and migrations are applied.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3978)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/index.js"]
