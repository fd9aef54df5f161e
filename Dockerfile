# syntax=docker/dockerfile:1

# ---- build: install packages and generate the Prisma client ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
# npm's postinstall generates the Prisma client from the schema, so the schema must be there first.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
RUN npm ci
COPY . .
# The prisma CLI, vitest and typescript are build/test tools. The app itself runs through tsx, so dev
# packages can only be dropped once tsx is a production dependency.
RUN if node -e "process.exit(require('./package.json').dependencies?.tsx ? 0 : 1)"; then npm prune --omit=dev; fi

# ---- runtime ----
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and run as `node`: the app cannot rewrite its own code.
COPY --from=build /app /app
USER node
# Migrations first, so a bot never runs against an older schema; then the bot, as PID 1 (it handles SIGTERM).
CMD ["sh", "-c", "npm run --silent db:migrate && exec node --import tsx src/main.ts"]
