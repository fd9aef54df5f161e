# syntax=docker/dockerfile:1

# ---- build: install packages and generate the Prisma client ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
# npm's postinstall generates the Prisma client from the schema, so the schema must be there first.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
RUN npm ci
COPY . .
# The prisma CLI, vitest and typescript are build/test tools; the app runs through tsx, a production dependency.
RUN npm prune --omit=dev

# ---- runtime: Node, the production packages, and the programs the bot runs ----
FROM node:20-bookworm-slim AS runtime
# espeak-ng reads play reminders aloud and ffmpeg (with ffprobe) encodes them as voice notes; postgresql-client brings
# pg_dump/pg_restore for `backup`/`restore` (Debian 12's is version 15, so docker-compose.yml runs PostgreSQL 15:
# pg_dump must be at least as new as the server). No recommends, no compilers, no -dev packages.
RUN apt-get update \
 && apt-get install -y --no-install-recommends espeak-ng ffmpeg postgresql-client ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    KINBRIDGE_DATA_DIR=/data
WORKDIR /app
# Owned by root and run as `node`: the app cannot rewrite its own code.
COPY --from=build /app /app
# Everything the bot writes lives under /data: media, the speech cache, the WeChat session, a generated secret.key.
# Made and given to `node` before VOLUME, so a new named volume starts out owned by it (Docker copies the ownership).
RUN mkdir -p /data && chown node:node /data && chmod 700 /data
VOLUME ["/data"]
USER node
# `doctor --quick`: database reachable and migrated, Redis reachable and keeping data, tools, /data writable, clock.
HEALTHCHECK --interval=60s --timeout=30s --start-period=120s --retries=3 \
  CMD ["node", "--import", "tsx", "src/cli/kinbridge.ts", "doctor", "--quick"]
# The bot applies pending migrations before it starts, so it never runs against an older schema, and refuses a schema
# a newer version migrated; as PID 1 it handles SIGTERM.
CMD ["node", "--import", "tsx", "src/main.ts"]
