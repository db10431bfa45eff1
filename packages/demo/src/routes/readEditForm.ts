import type { FastifyRequest } from 'fastify';
import type { FieldErrors } from '../domain/DemoErrorCodes.js';
import { UPLOAD_LIMITS } from '../images/decodeImage.js';

/** The edit page's form as sent (multipart, for the file). */
export interface EditForm {
  readonly fields: Readonly<Record<string, string>>;
  /** The "replace image" file, when one was chosen. */
  readonly file: Buffer | undefined;
  /** Problems reading the request itself (a file over the limit). */
  readonly errors: FieldErrors;
}

interface MultipartError {
  readonly code?: string;
}

/** Reads every part of a multipart form; a file over the size limit is a field error, not a failure. */
export async function readEditForm(request: FastifyRequest): Promise<EditForm> {
  const fields: Record<string, string> = {};
  const errors: Record<string, string> = {};
  let file: Buffer | undefined;
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      if (typeof part.value === 'string') fields[part.fieldname] = part.value;
      continue;
    }
    try {
      const bytes = await part.toBuffer();
      // A file input left empty still sends a part, with no name and no bytes.
      if (part.filename !== '' || bytes.length > 0) file = bytes;
    } catch (error) {
      if ((error as MultipartError).code !== 'FST_REQ_FILE_TOO_LARGE') throw error;
      const megabytes = Math.round(UPLOAD_LIMITS.maxBytes / 1024 / 1024);
      errors.file = `the file is larger than ${megabytes} MB; choose a smaller PNG or JPEG.`;
    }
  }
  return { fields, file, errors };
}
