import type { FastifyInstance } from 'fastify';
import type { CachesetLogger } from '@cacheset/core';
import type { DemoSettings } from '../config/DemoSettings.js';
import { demoError, DemoErrorCodes } from '../domain/DemoErrorCodes.js';
import { buildApp } from './buildApp.js';
import { Site } from './Site.js';

export interface RunningSite {
  readonly site: Site;
  readonly app: FastifyInstance;
  /** `http://host:port/`, with the port the server got. */
  readonly url: string;
  /** How many images were generated because the gallery was empty. */
  readonly seeded: number;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly logger?: CachesetLogger;
  /** Images to generate when the gallery is empty (first start). Default 24. */
  readonly seedImages?: number;
  readonly progress?: (done: number, total: number) => void;
}

/**
 * Opens the site on its data folder (created and seeded on first start), builds the application and
 * listens. A port in use is `ERR_CACHESET_DEMO_PORT_IN_USE`; nothing is left open after a failure.
 */
export async function startSite(settings: DemoSettings, options: StartOptions = {}): Promise<RunningSite> {
  const site = await Site.open(settings, {
    seedImages: options.seedImages ?? 24,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.progress === undefined ? {} : { progress: options.progress }),
  });
  let app: FastifyInstance | undefined;
  try {
    app = await buildApp(site);
    try {
      await app.listen({ port: settings.port, host: settings.host });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
        throw demoError(
          DemoErrorCodes.PORT_IN_USE,
          `Port ${settings.port} on ${settings.host} is already in use; stop what runs there,` +
            ` or start on another port: PORT=${settings.port + 1} npm start`,
          { port: settings.port, host: settings.host },
          error,
        );
      throw error;
    }
  } catch (error) {
    await app?.close();
    await site.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : settings.port;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const url = `http://${host}:${port}/`;
  site.listening(url.slice(0, -1));
  const running = app;
  return {
    site,
    app: running,
    url,
    seeded: site.seeded,
    async close() {
      await running.close();
      await site.close();
    },
  };
}
