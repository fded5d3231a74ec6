// The Fastify application: schemas, OpenAPI at /docs, the API routes and the built console.
import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyServerOptions } from 'fastify';
import fastifyStatic from '@fastify/static';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { App, ServerContext } from './context.ts';
import { handleError } from './errors.ts';
import { analyticsRoutes } from './routes/analytics.ts';
import { authRoutes } from './routes/auth.ts';
import { customerRoutes } from './routes/customers.ts';
import { dataRoutes } from './routes/data.ts';
import { segmentRoutes } from './routes/segments.ts';
import { platformRoutes } from './routes/platform.ts';
import { tariffRoutes } from './routes/tariffs.ts';
import { campaignRoutes } from './routes/campaigns.ts';
import { channelRoutes } from './routes/channels.ts';
import { cpcRoutes } from './routes/cpc.ts';
import { fitRoutes } from './routes/fit.ts';
import { tagRoutes } from './routes/tags.ts';
import { modelRoutes } from './routes/models.ts';
import { policyRoutes } from './routes/policy.ts';
import { decideRoutes } from './routes/decide.ts';
import { feedbackRoutes } from './routes/feedback.ts';
import { deliveryRoutes } from './routes/delivery.ts';

export async function buildApp(context: ServerContext, options: { logger?: FastifyServerOptions['logger'] } = {}): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? false,
    ajv: { customOptions: { coerceTypes: 'array', useDefaults: true, removeAdditional: false, allErrors: false } },
    bodyLimit: 10 * 1024 * 1024,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler(handleError);

  await app.register(swagger, {
    openapi: {
      info: { title: 'Yiti API', description: 'Integrated marketing & service platform for mobile operators', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, channelKey: { type: 'apiKey', in: 'header', name: 'X-Channel-Key' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(multipart, { limits: { fileSize: 2 * 1024 * 1024 * 1024, files: 1 } });

  authRoutes(app, context);
  platformRoutes(app, context);
  analyticsRoutes(app, context);
  customerRoutes(app, context);
  dataRoutes(app, context);
  segmentRoutes(app, context);
  tariffRoutes(app, context);
  campaignRoutes(app, context);
  channelRoutes(app, context);
  cpcRoutes(app, context);
  fitRoutes(app, context);
  tagRoutes(app, context);
  modelRoutes(app, context);
  policyRoutes(app, context);
  decideRoutes(app, context);
  feedbackRoutes(app, context);
  deliveryRoutes(app, context);

  const webDist = context.config.webDist;
  const hasConsole = fs.existsSync(path.join(webDist, 'index.html'));
  if (hasConsole) {
    await app.register(fastifyStatic, { root: webDist, wildcard: false });
  }
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/') || request.url.startsWith('/docs') || request.method !== 'GET') {
      reply.status(404).send({ code: 'NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}` });
    } else if (hasConsole) {
      reply.sendFile('index.html');
    } else {
      reply.status(404).type('text/plain').send('The console is not built: run "npm run build:web".');
    }
  });
  return app;
}
