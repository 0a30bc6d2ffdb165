import { OpenAPIHono } from '@hono/zod-openapi';
import { isGrpcDeadlineError, isGrpcServiceError } from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { TenantConfigError } from '../billing/index.js';
import { authenticate } from './auth.js';
import { serveConsole } from './console-assets.js';
import type { ApiDependencies, AppEnv } from './context.js';
import { odataErrors } from './odata/errors.js';
import { ProblemError, problem } from './problems.js';
import { rejectInvalidText, rejectUnknownMethods } from './request-guards.js';
import { unsupportedMediaType } from './router.js';
import { approvalRoutes } from './routes/approval.js';
import { auditRoutes } from './routes/audit.js';
import { changeRoutes, MAX_BATCH_BYTES } from './routes/changes.js';
import { customerRoutes } from './routes/customers.js';
import { explainRoutes } from './routes/explain.js';
import { exportRoutes } from './routes/exports.js';
import { healthRoutes } from './routes/health.js';
import { managementRoutes } from './routes/management.js';
import { managementTrendRoutes } from './routes/management-trends.js';
import { marginRoutes } from './routes/margins.js';
import { odataRoutes } from './routes/odata.js';
import { peopleHistoryRoutes } from './routes/people-history.js';
import { periodPreviewRoutes } from './routes/period-preview.js';
import { periodRoutes } from './routes/periods.js';
import { reconciliationRoutes } from './routes/reconciliation.js';
import { rulePreviewRoutes } from './routes/rule-preview.js';
import { ruleRoutes } from './routes/rules.js';
import { sessionRoutes } from './routes/session.js';
import { skuMappingRoutes } from './routes/sku-mappings.js';
import { skuRoutes } from './routes/skus.js';
import { tenantRoutes } from './routes/tenant.js';
import { tokenRoutes } from './routes/tokens.js';
import { unmappedRoutes } from './routes/unmapped.js';
import { userRoutes } from './routes/users.js';
import { vendorDiscountRoutes } from './routes/vendor-discounts.js';
import { vendorInvoiceRoutes } from './routes/vendor-invoices.js';
import { vendorMappingRoutes } from './routes/vendor-mappings.js';
import { viewRoutes } from './routes/views.js';

/** The HTTP API: small routers per resource, composed here. Tests call `app.request()` directly. */
export function createApp(deps: ApiDependencies) {
  const app = new OpenAPIHono<AppEnv>();
  app.use(requestId());
  app.use(async (c, next) => {
    c.set('deps', deps);
    await next();
    c.header('x-request-id', c.get('requestId'));
  });
  // Before the guards below, so their problems under /odata are OData errors too.
  app.use('/odata/*', odataErrors);
  app.use(
    rejectUnknownMethods(app, [
      { method: 'GET', path: '/health' },
      { method: 'GET', path: '/docs' },
      { method: 'GET', path: '/openapi.json' },
    ]),
  );
  app.use(rejectInvalidText(MAX_BATCH_BYTES));

  app.route('/health', healthRoutes());
  app.use('/v1/*', authenticate);
  app.route('/v1/session', sessionRoutes());
  app.route('/v1/periods', periodRoutes());
  app.route('/v1/changes', changeRoutes());
  app.route('/v1/tokens', tokenRoutes());
  app.route('/v1/audit', auditRoutes());
  app.route('/v1/tenant', tenantRoutes());
  app.route('/v1/customers', customerRoutes());
  app.route('/v1/users', userRoutes());
  app.route('/v1', skuRoutes());
  app.route('/v1', skuMappingRoutes());
  app.route('/v1', vendorDiscountRoutes());
  app.route('/v1/rules', ruleRoutes());
  app.route('/v1/rules', rulePreviewRoutes());
  app.route('/v1/periods', viewRoutes());
  app.route('/v1/periods', approvalRoutes());
  app.route('/v1/items', explainRoutes());
  app.route('/v1', peopleHistoryRoutes());
  app.route('/v1', unmappedRoutes());
  app.route('/v1/tenant', periodPreviewRoutes());
  app.route('/v1/management/margins', marginRoutes());
  app.route('/v1/management', managementRoutes());
  app.route('/v1/management', managementTrendRoutes());
  app.route('/v1', exportRoutes());
  app.route('/v1/vendor-invoices', vendorInvoiceRoutes());
  app.route('/v1', vendorMappingRoutes());
  app.route('/v1/periods', reconciliationRoutes());
  app.route('/odata', odataRoutes());

  // Every operation with a body can answer 415; documented once here rather than in each route.
  for (const definition of app.openAPIRegistry.definitions) {
    if (definition.type !== 'route' || !definition.route.request?.body) continue;
    const accepted = Object.keys(definition.route.request.body.content);
    definition.route.responses = { ...definition.route.responses, 415: unsupportedMediaType(accepted) };
  }

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A Monthend API token (npm run token, or POST /v1/tokens)',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'basic', {
    type: 'http',
    scheme: 'basic',
    description: 'Any user name, the token as password: for Excel Power Query and Power BI',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'cookie', {
    type: 'apiKey',
    in: 'cookie',
    name: 'monthend_session',
    description: 'The console session from POST /v1/session; writes also need X-CSRF-Token',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Monthend API',
      version: '1',
      description:
        'Billing back-office for managed service providers: change log, period closes, views and exports.',
    },
  });
  serveConsole(app);

  app.notFound((c) => problem(c, 404, 'Not Found', { detail: `no route for ${c.req.method} ${c.req.path}` }));
  app.onError((error, c) => {
    if (error instanceof ProblemError) {
      return problem(
        c,
        error.status,
        error.title,
        { detail: error.message, ...(error.errors ? { errors: error.errors } : {}) },
        error.headers,
      );
    }
    if (error instanceof TenantConfigError) {
      // A row stored before the checks: the tenant's own data is at fault, not the server.
      return problem(c, 409, 'Conflict', {
        detail: `the tenant's stored configuration cannot be used (${error.message}): ${
          error.field.startsWith('period')
            ? 'an operator must set the day of its stored period configuration'
            : 'change it with PATCH /v1/tenant'
        }`,
        errors: [{ field: error.field, reason: error.reason }],
      });
    }
    if (error instanceof HTTPException && error.status === 415) {
      const accepted = acceptedMediaTypes(app, c.req.method, c.req.routePath);
      return problem(c, 415, 'Unsupported Media Type', {
        detail: `send the body as ${accepted.join(' or ')}`,
        errors: [
          {
            field: 'content-type',
            reason: `${c.req.header('content-type') ?? 'missing'}; accepted: ${accepted.join(', ')}`,
          },
        ],
      });
    }
    if (error instanceof HTTPException) {
      // Hono's own validators throw these, for a body that is not JSON at all.
      return error.status === 400
        ? problem(c, 400, 'Invalid request', {
            detail: error.message,
            errors: [{ field: 'body', reason: error.message }],
          })
        : problem(c, error.status, 'Error', { detail: error.message });
    }
    console.error(`[${c.get('requestId')}]`, error);
    // Only a failed call to Temporal itself is "not reachable"; anything else is our own 500.
    if (isTemporalUnreachable(error)) {
      return problem(c, 503, 'Service Unavailable', {
        detail: 'Temporal is not reachable; retry shortly',
      });
    }
    return problem(c, 500, 'Internal Server Error', { detail: 'see the server log for this request id' });
  });
  return app;
}

/** A gRPC UNAVAILABLE or DEADLINE_EXCEEDED from Temporal, anywhere in the cause chain. */
function isTemporalUnreachable(error: unknown): boolean {
  const unavailable = 14;
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (isGrpcServiceError(cause) && cause.code === unavailable) return true;
  }
  return isGrpcDeadlineError(error);
}

/** The media types the matched operation declares for its body. */
function acceptedMediaTypes(app: OpenAPIHono<AppEnv>, method: string, routePath: string): string[] {
  const openApiPath = routePath.replace(/:(\w+)(\{[^}]*\})?/g, '{$1}');
  for (const definition of app.openAPIRegistry.definitions) {
    if (
      definition.type === 'route' &&
      definition.route.method.toUpperCase() === method &&
      definition.route.path === openApiPath &&
      definition.route.request?.body
    ) {
      return Object.keys(definition.route.request.body.content);
    }
  }
  return ['application/json'];
}
