import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { consoleLogger, EventBus, type CachesetLogger } from '@cacheset/core';
import type { Database } from 'better-sqlite3';
import { Container } from 'inversify';
import { createCachingStack, type CachingStack } from '../caching/createCachingStack.js';
import type { DemoSettings } from '../config/DemoSettings.js';
import { ImageRepository } from '../db/ImageRepository.js';
import { openDatabase } from '../db/openDatabase.js';
import { SessionStore } from '../db/SessionStore.js';
import { demoError, DemoErrorCodes } from '../domain/DemoErrorCodes.js';
import { seedGallery } from '../db/seedGallery.js';
import { Gallery } from '../domain/Gallery.js';
import { Stylesheet } from '../views/Stylesheet.js';
import { EditorAuth } from './EditorAuth.js';
import { editorToken, type EditorTokenSource } from './editorToken.js';
import { RenderLog } from './RenderLog.js';
import { siteAdmin, type SiteAdmin } from './siteAdmin.js';
import { sitePolicyFile } from './sitePolicyFile.js';

export interface SiteOptions {
  readonly logger?: CachesetLogger;
  /** Images to generate when the gallery is empty (a first start). Default 0. */
  readonly seedImages?: number;
  readonly progress?: (done: number, total: number) => void;
}

/**
 * Everything one process of the site holds: the database, the gallery, the editor's sessions, the
 * event bus and the container, and the cache layers built on them. Routes get this; the domain
 * gets only its repository and the bus.
 */
export class Site {
  readonly settings: DemoSettings;
  readonly db: Database;
  readonly gallery: Gallery;
  readonly auth: EditorAuth;
  readonly token: EditorTokenSource;
  readonly bus: EventBus;
  readonly container: Container;
  readonly stack: CachingStack;
  /** The caching control panel, mounted at `/_cacheset/`. */
  readonly admin: SiteAdmin;
  readonly stylesheet: Stylesheet;
  readonly renders = new RenderLog();
  readonly logger: CachesetLogger;
  /** How many images were generated because the gallery was empty. */
  readonly seeded: number;
  #listenUrl: string | undefined;

  private constructor(parts: Omit<Site, 'renders' | 'baseUrl' | 'listening' | 'close'>) {
    this.seeded = parts.seeded;
    this.settings = parts.settings;
    this.db = parts.db;
    this.gallery = parts.gallery;
    this.auth = parts.auth;
    this.token = parts.token;
    this.bus = parts.bus;
    this.container = parts.container;
    this.stack = parts.stack;
    this.admin = parts.admin;
    this.stylesheet = parts.stylesheet;
    this.logger = parts.logger;
  }

  static async open(settings: DemoSettings, options: SiteOptions = {}): Promise<Site> {
    const logger = options.logger ?? consoleLogger;
    try {
      mkdirSync(settings.dataDir, { recursive: true });
    } catch (error) {
      throw demoError(
        DemoErrorCodes.DATA_DIR,
        `Cannot create the data folder ${settings.dataDir}: ${(error as Error).message}.` +
          ' Set CACHESET_DATA_DIR to a folder you can write.',
        { dataDir: settings.dataDir },
        error,
      );
    }
    const db = openDatabase(join(settings.dataDir, 'gallery.sqlite'));
    const bus = new EventBus();
    const container = new Container();
    const gallery = new Gallery({ repository: new ImageRepository(db), bus });
    const token = editorToken(settings.dataDir, settings.editorToken);
    const auth = new EditorAuth(new SessionStore(db), token.token);
    const stylesheet = Stylesheet.load();
    try {
      // A first start fills the gallery before any cache layer exists: there is nothing cached to
      // invalidate yet, and the drawing does not hold up the cache layers' I/O (Redis) meanwhile.
      const seeded = gallery.count() === 0 ? (options.seedImages ?? 0) : 0;
      if (seeded > 0)
        await seedGallery(gallery, {
          images: seeded,
          ...(options.progress === undefined ? {} : { progress: options.progress }),
        });
      const policyFile = await sitePolicyFile(settings.dataDir, logger);
      const stack = await createCachingStack({
        settings,
        container,
        bus,
        user: auth.userOf,
        logger,
        resourceVersion: stylesheet.version,
        policyFile,
      });
      // Files dumped for another database in this folder would be served by nginx for the new images' URLs.
      if (seeded > 0) await stack.dump.clear();
      const admin = siteAdmin(settings, stack, { policyFile, editor: token, logger });
      return new Site({ settings, db, gallery, auth, token, bus, container, stack, admin, stylesheet, logger, seeded });
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Called once the server listens, with the address it got. */
  listening(url: string): void {
    this.#listenUrl = url;
  }

  /** The address visitors use: `PUBLIC_URL`, else where the site listens. */
  get baseUrl(): string {
    return this.settings.publicUrl ?? this.#listenUrl ?? `http://${this.settings.host}:${this.settings.port}`;
  }

  async close(): Promise<void> {
    this.admin.admin.close();
    await this.stack.close();
    this.db.close();
  }
}
