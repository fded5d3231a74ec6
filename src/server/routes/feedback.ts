// Channel feedback over HTTP: batches of outcome events and whole files from channel systems
// (X-Channel-Key). A 200 means the events are committed; an error means nothing was stored.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { FeedbackBatch, FeedbackReceipt, recordFeedbackBatch } from '../../ingest/feedback.ts';
import { FeedbackFileReceipt, importFeedbackFile } from '../../ingest/feedback-file.ts';
import { InvalidInput } from '../../store/errors.ts';
import { currentChannel, requiresChannel } from '../auth.ts';
import type { App, ServerContext } from '../context.ts';
import { ErrorBody } from '../errors.ts';

const common = { tags: ['feedback'], security: [{ channelKey: [] }] };
const errors = { 400: ErrorBody, 401: ErrorBody, 409: ErrorBody, 413: ErrorBody };
// the domain checks the batch itself, without type coercion ("12" is not a subscriber id), and
// names the field at fault as events[3].subscriberId; the schema stays for the documentation
const checkedByDomain = () => (data: unknown) => ({ value: data });

export function feedbackRoutes(app: App, { store, config }: ServerContext): void {
  const uploads = path.join(path.dirname(config.dbPath), 'uploads');

  app.post(
    '/api/feedback',
    {
      preHandler: requiresChannel(store),
      validatorCompiler: checkedByDomain,
      schema: {
        ...common,
        summary: 'Report outcome events (idempotent on event id; all or nothing; answered after the commit)',
        body: FeedbackBatch,
        response: { 200: FeedbackReceipt, ...errors },
      },
    },
    async (request) => recordFeedbackBatch(store, currentChannel(request).channelId, request.body),
  );

  app.post(
    '/api/feedback/files',
    {
      preHandler: requiresChannel(store),
      schema: {
        ...common,
        summary: 'Upload a CSV of outcome events (multipart field "file"): all or nothing; the same file twice changes nothing',
        consumes: ['multipart/form-data'],
        response: { 200: FeedbackFileReceipt, ...errors },
      },
    },
    async (request) => {
      const part = await request.file();
      if (!part) throw new InvalidInput('The request carries no file: send it as multipart field "file"', { field: 'file' });
      const name = path.basename(part.filename || 'feedback.csv');
      fs.mkdirSync(uploads, { recursive: true });
      const saved = path.join(uploads, `${randomUUID()}-${name}`);
      try {
        await pipeline(part.file, fs.createWriteStream(saved));
        if (part.file.truncated) throw new InvalidInput('The file is larger than the upload limit', { field: 'file' });
        return await importFeedbackFile(store, { file: saved, fileName: name, channelId: currentChannel(request).channelId });
      } finally {
        fs.rmSync(saved, { force: true });
      }
    },
  );
}
