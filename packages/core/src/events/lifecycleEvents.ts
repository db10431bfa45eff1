import { CachesetError } from '../errors/CachesetError.js';
import { CoreErrorCodes } from '../errors/errorCodes.js';
import { describeValue } from '../names/dottedName.js';

/**
 * Object lifecycle events, after zope.lifecycleevent. Subscribing to a class also receives its
 * subclasses: a listener for `ObjectMovedEvent` hears adds, removals and renames too, as in Zope.
 */
export class ObjectEvent {
  readonly object: object;

  constructor(object: object) {
    if ((typeof object !== 'object' && typeof object !== 'function') || object === null) {
      throw new CachesetError(
        CoreErrorCodes.INVALID_EVENT,
        `new ${new.target.name}(...): expected the object the event is about, got ${describeValue(object)}.`,
        { details: { value: object } },
      );
    }
    this.object = object;
  }
}

/** The object's content changed. `descriptions` may say what changed (field names, for example). */
export class ObjectModifiedEvent extends ObjectEvent {
  readonly descriptions: readonly unknown[];

  constructor(object: object, ...descriptions: unknown[]) {
    super(object);
    this.descriptions = Object.freeze(descriptions);
  }
}

/** Base of the events that describe a change of location: from `oldParent`/`oldName` to `newParent`/`newName`. */
export class ObjectLocationEvent extends ObjectEvent {
  readonly oldParent: unknown;
  readonly oldName: string | undefined;
  readonly newParent: unknown;
  readonly newName: string | undefined;

  constructor(
    object: object,
    oldParent: unknown,
    oldName: string | undefined,
    newParent: unknown,
    newName: string | undefined,
  ) {
    super(object);
    for (const [label, name] of [
      ['oldName', oldName],
      ['newName', newName],
    ] as const) {
      if (name !== undefined && typeof name !== 'string') {
        throw new CachesetError(
          CoreErrorCodes.INVALID_EVENT,
          `new ${new.target.name}(...): ${label} must be a string or undefined, got ${describeValue(name)}.`,
          { details: { [label]: name } },
        );
      }
    }
    this.oldParent = oldParent;
    this.oldName = oldName;
    this.newParent = newParent;
    this.newName = newName;
  }
}

/**
 * The object left `oldParent`/`oldName` for `newParent`/`newName`. An undefined old name means it was
 * not anywhere before (an add); an undefined new name means it is nowhere now (a removal).
 */
export class ObjectMovedEvent extends ObjectLocationEvent {}

/** The object was created and placed at `newParent`/`newName`. */
export class ObjectAddedEvent extends ObjectMovedEvent {
  constructor(object: object, newParent?: unknown, newName?: string) {
    super(object, undefined, undefined, newParent, newName);
  }
}

/** The object was deleted from `oldParent`/`oldName`. */
export class ObjectRemovedEvent extends ObjectMovedEvent {
  constructor(object: object, oldParent: unknown, oldName: string) {
    super(object, oldParent, oldName, undefined, undefined);
  }
}

/** The object kept its parent and changed its name. */
export class ObjectRenamedEvent extends ObjectMovedEvent {
  constructor(object: object, parent: unknown, oldName: string, newName: string) {
    super(object, parent, oldName, parent, newName);
  }
}

/**
 * Fire before moving or renaming an object, while it is still at its old location: handlers that
 * compute paths (the purge queue) then see the old paths. Fire the moved or renamed event after.
 */
export class ObjectWillBeMovedEvent extends ObjectLocationEvent {}
