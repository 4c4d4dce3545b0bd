import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { createHubHandler } from '../hub/hub-handler.mjs';

/**
 * Mounts the local model host (the hub's URL layout) at `/hub/` on the dev and preview servers when
 * generated fixture models exist. A static deployment has no such route, so the app never depends
 * on fixtures: it only lists them when `/hub/fixtures.json` answers.
 */
export function hubFixturesPlugin(root = resolve('fixtures/models')): Plugin {
  const handler = () => (existsSync(root) ? createHubHandler({ root, prefix: '/hub' }) : null);
  return {
    name: 'lfm2:hub-fixtures',
    configureServer(server) {
      const h = handler();
      if (h) server.middlewares.use(h);
    },
    configurePreviewServer(server) {
      const h = handler();
      if (h) server.middlewares.use(h);
    },
  };
}
