// Maps failures to HTTP answers: domain errors keep their status and code, schema
// violations become 400 naming the field, anything else is a 500 that leaks nothing.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../store/errors.ts';

export const ErrorBody = {
  type: 'object',
  properties: {
    code: { type: 'string' },
    message: { type: 'string' },
    field: { type: 'string' },
    details: {},
  },
  required: ['code', 'message'],
} as const;

/** '/body/pageSize' or 'querystring/page' → 'pageSize' / 'page'. */
function fieldOf(error: FastifyError): string | undefined {
  const v = error.validation?.[0];
  if (!v) return undefined;
  const path = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const missing = (v.params as { missingProperty?: string } | undefined)?.missingProperty;
  return [path, missing].filter(Boolean).join('.') || undefined;
}

export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof DomainError) {
    reply.status(error.status).send({ code: error.code, message: error.message, field: error.field, details: error.details });
    return;
  }
  const fe = error as FastifyError;
  if (fe.validation) {
    const field = fieldOf(fe);
    const where = fe.validationContext ?? 'request';
    const v = fe.validation[0];
    const reason = v?.message ?? 'is not valid';
    reply.status(400).send({
      code: 'VALIDATION_FAILED',
      message: field ? `${where} field "${field}" ${reason}` : `${where} ${reason}`,
      field,
    });
    return;
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    reply.status(fe.statusCode).send({ code: fe.code ?? 'BAD_REQUEST', message: fe.message });
    return;
  }
  request.log.error({ err: error }, 'unhandled error');
  reply.status(500).send({ code: 'INTERNAL', message: 'Internal error: the server log has the details' });
}
