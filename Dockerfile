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

# ---- runtime ----
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and run as `node`: the app cannot rewrite its own code.
COPY --from=build /app /app
USER node
# The bot applies pending migrations before it starts, so it never runs against an older schema; as PID 1 it handles SIGTERM.
CMD ["node", "--import", "tsx", "src/main.ts"]
