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
import { Gallery } from '../domain/Gallery.js';
import { Stylesheet } from '../views/Stylesheet.js';
import { EditorAuth } from './EditorAuth.js';
import { editorToken, type EditorTokenSource } from './editorToken.js';
import { RenderLog } from './RenderLog.js';

export interface SiteOptions {
  readonly logger?: CachesetLogger;
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
  readonly stylesheet: Stylesheet;
  readonly renders = new RenderLog();
  readonly logger: CachesetLogger;
  #listenUrl: string | undefined;

  private constructor(parts: Omit<Site, 'renders' | 'baseUrl' | 'listening' | 'close'>) {
    this.settings = parts.settings;
    this.db = parts.db;
    this.gallery = parts.gallery;
    this.auth = parts.auth;
    this.token = parts.token;
    this.bus = parts.bus;
    this.container = parts.container;
    this.stack = parts.stack;
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
        `Cannot create the data folder ${settings.dataDir}: ${(error as Error).message}. Set CACHESET_DATA_DIR to a folder you can write.`,
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
      const stack = await createCachingStack({
        settings,
        container,
        bus,
        user: auth.userOf,
        logger,
        resourceVersion: stylesheet.version,
      });
      return new Site({ settings, db, gallery, auth, token, bus, container, stack, stylesheet, logger });
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
    await this.stack.close();
    this.db.close();
  }
}
