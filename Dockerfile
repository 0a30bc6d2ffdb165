# Monthend image: the API (default command) and the Temporal worker run from the same image,
#   docker run ... monthend            -> npm run api
#   docker run ... monthend npm run worker
#   docker run ... monthend npm run db:migrate
# TypeScript runs directly through tsx (a runtime dependency); only the web console is built (a stage).
#
# Debian bookworm (glibc), not Alpine: @temporalio/worker's native core bridge ships prebuilt
# binaries for linux glibc (x86_64 and aarch64) only.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- dependencies -----------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# Production dependencies only, exactly as locked. The node:20 image has npm 10, which runs
# install scripts as usual (package.json's allowScripts is for npm 11); none of them compiles
# anything, so no build toolchain is needed.
RUN npm ci --omit=dev --no-audit --no-fund

# --- console ----------------------------------------------------------------------------------
# The web console is built here with the dev dependencies; only its static files reach the image.
FROM ${NODE_IMAGE} AS console
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run --silent console:build

# --- runtime ----------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    EXPORT_DIR=/data/exports
WORKDIR /app

# Dependencies and source stay owned by root: the app reads them but cannot change them.
COPY --from=deps /app/node_modules ./node_modules
COPY . .
COPY --from=console /app/console/dist ./console/dist

# The one place the app writes (exports). Created here owned by `node` so a named volume mounted
# on it starts out writable by the app.
RUN mkdir -p /data/exports && chown node:node /data/exports

USER node
EXPOSE 3000
CMD ["npm", "run", "api"]
