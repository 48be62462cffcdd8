# The Service Code Usage server: real Cube (JS mode, see server/cube/js-mode.ts) + the built dashboard.
FROM node:20-bookworm-slim
WORKDIR /app
# Cube Store's postinstall downloads a binary; Cube Store is not used (pre-aggregations live in MySQL).
ENV CUBESTORE_SKIP_POST_INSTALL=true
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && mkdir -p .data && chown node:node .data
ENV NODE_ENV=production PORT=4000
EXPOSE 4000
USER node
HEALTHCHECK --interval=10s --timeout=3s --retries=12 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "server/main.ts"]
