// Data in: file imports uploaded through the console or API, the import history, and
// regeneration of the demo province. Both run as tracked jobs and are audited.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Type } from '@sinclair/typebox';
import { recordAudit } from '../../audit/audit.ts';
import { describeImportKinds, importFile, importKinds, type ImportKind } from '../../ingest/import.ts';
import { listImportBatches } from '../../ingest/batches.ts';
import { startDemoGeneration } from '../demo-job.ts';
import { startJob } from '../../jobs/jobs.ts';
import { InvalidInput } from '../../store/errors.ts';
import { currentUser, requires } from '../auth.ts';
import type { App, ServerContext } from '../context.ts';
import { ErrorBody } from '../errors.ts';

const kindNames = Object.keys(importKinds) as ImportKind[];
const JobStarted = Type.Object({ jobId: Type.String() });
const secured = { security: [{ bearer: [] }] };

export function dataRoutes(app: App, { store, config }: ServerContext): void {
  const uploads = path.join(path.dirname(config.dbPath), 'uploads');

  app.get(
    '/api/imports/kinds',
    { preHandler: requires(store), schema: { tags: ['data'], ...secured, summary: 'What can be imported: each kind, its source system and columns', response: { 200: Type.Unknown() } } },
    async () => describeImportKinds(store),
  );

  app.get(
    '/api/imports',
    {
      preHandler: requires(store, 'jobs.read'),
      schema: {
        tags: ['data'],
        ...secured,
        summary: 'Import history, newest first',
        querystring: Type.Object({ page: Type.Integer({ minimum: 1, default: 1 }), pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 20 }) }),
        response: {
          200: Type.Object({
            total: Type.Integer(),
            items: Type.Array(
              Type.Object({ batchId: Type.Integer(), kind: Type.String(), fileName: Type.String(), fileSha256: Type.String(), rows: Type.Integer(), source: Type.String(), importedAt: Type.String() }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const { page, pageSize } = request.query;
      return listImportBatches(store, { limit: pageSize, offset: (page - 1) * pageSize });
    },
  );

  app.post(
    '/api/imports/:kind',
    {
      preHandler: requires(store, 'data.import'),
      schema: {
        tags: ['data'],
        ...secured,
        summary: 'Upload a CSV or Parquet file (multipart field "file") and import it as a tracked job',
        params: Type.Object({ kind: Type.String({ maxLength: 32 }) }),
        consumes: ['multipart/form-data'],
        response: { 202: JobStarted, 400: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const kind = request.params.kind as ImportKind;
      if (!kindNames.includes(kind)) {
        throw new InvalidInput(`Unknown import kind "${request.params.kind}"; kinds: ${kindNames.join(', ')}`, { field: 'kind' });
      }
      const part = await request.file();
      if (!part) throw new InvalidInput('The request carries no file: send it as multipart field "file"', { field: 'file' });
      const name = path.basename(part.filename || 'upload');
      if (!/\.(csv|parquet)$/i.test(name)) {
        throw new InvalidInput(`The file "${name}" must end in .csv or .parquet`, { field: 'file' });
      }
      fs.mkdirSync(uploads, { recursive: true });
      const saved = path.join(uploads, `${randomUUID()}-${name}`);
      await pipeline(part.file, fs.createWriteStream(saved));
      if (part.file.truncated) {
        fs.rmSync(saved, { force: true });
        throw new InvalidInput('The file is larger than the upload limit', { field: 'file' });
      }
      const user = currentUser(request);
      await recordAudit(store, user.username, 'data.import', kind, { file: name });
      // the upload is removed once the job ends: the data is in the database, its hash in import_batches
      const job = await startJob(
        store,
        `import.${kind}`,
        { kind, file: name },
        user.username,
        (progress, signal) => importFile(store, { kind, file: saved, fileName: name }, progress, signal).finally(() => fs.rmSync(saved, { force: true })),
        undefined,
        { cancellable: true },
      );
      return reply.status(202).send({ jobId: job.jobId });
    },
  );

  app.post(
    '/api/demo',
    {
      preHandler: requires(store, 'demo.generate'),
      schema: {
        tags: ['data'],
        ...secured,
        summary: 'Regenerate the demo province (replaces the province data, its tariff runs and campaigns) as a tracked job',
        body: Type.Object({
          subscribers: Type.Integer({ minimum: 100, maximum: 2_000_000 }),
          seed: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
        }),
        response: { 202: JobStarted, 400: ErrorBody, 403: ErrorBody },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const options = { subscribers: request.body.subscribers, seed: request.body.seed };
      await recordAudit(store, user.username, 'demo.generate', null, options);
      const job = await startDemoGeneration(store, options, user.username);
      return reply.status(202).send({ jobId: job.jobId });
    },
  );
}
