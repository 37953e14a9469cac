# syntax=docker/dockerfile:1
# Image of a Clement Node service that has no Dockerfile of its own yet (dispatch-service,
# strategy-service, payment-service, provider-sim); the same stages as
# apps/case-service/Dockerfile. Build from the repository root:
#   docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=dispatch-service \
#     -t clement/dispatch-service .
# Runs the service by default; a service with migrations has them at
#   node --enable-source-maps apps/<service>/src/migrate.js

ARG SERVICE

FROM node:24-alpine AS build
ARG SERVICE
RUN test -n "$SERVICE" || (echo 'build with --build-arg SERVICE=<app name>' >&2; exit 1)
WORKDIR /repo
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.base.json ./
COPY libs ./libs
COPY apps/${SERVICE} ./apps/${SERVICE}
# case-service's link script is generic: it links every @clement/* alias to its compiled library.
COPY apps/case-service/link-libs.cjs ./apps/case-service/link-libs.cjs
# tsc (not tsx/esbuild): Nest needs the decorator metadata only tsc and SWC emit.
RUN npx tsc -p apps/${SERVICE}/tsconfig.app.json \
 && node apps/case-service/link-libs.cjs dist/apps/${SERVICE}

FROM node:24-alpine AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

FROM node:24-alpine
ARG SERVICE
ENV NODE_ENV=production \
    SERVICE_ENTRY=apps/${SERVICE}/src/main.js
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /repo/dist/apps/${SERVICE}/ ./
USER node
# exec: node is PID 1 and receives SIGTERM itself.
CMD ["/bin/sh", "-c", "exec node --enable-source-maps \"$SERVICE_ENTRY\""]
