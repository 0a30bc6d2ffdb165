import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { authenticate } from './auth.js';
import { serveConsole } from './console-assets.js';
import type { ApiDependencies, AppEnv } from './context.js';
import { ProblemError, problem } from './problems.js';
import { approvalRoutes } from './routes/approval.js';
import { auditRoutes } from './routes/audit.js';
import { catalogRoutes } from './routes/catalog.js';
import { changeRoutes } from './routes/changes.js';
import { customerRoutes } from './routes/customers.js';
import { explainRoutes } from './routes/explain.js';
import { exportRoutes } from './routes/exports.js';
import { healthRoutes } from './routes/health.js';
import { managementRoutes } from './routes/management.js';
import { managementTrendRoutes } from './routes/management-trends.js';
import { odataRoutes } from './routes/odata.js';
import { peopleHistoryRoutes } from './routes/people-history.js';
import { periodPreviewRoutes } from './routes/period-preview.js';
import { periodRoutes } from './routes/periods.js';
import { rulePreviewRoutes } from './routes/rule-preview.js';
import { ruleRoutes } from './routes/rules.js';
import { sessionRoutes } from './routes/session.js';
import { tenantRoutes } from './routes/tenant.js';
import { tokenRoutes } from './routes/tokens.js';
import { unmappedRoutes } from './routes/unmapped.js';
import { userRoutes } from './routes/users.js';
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
  app.route('/v1', catalogRoutes());
  app.route('/v1/rules', ruleRoutes());
  app.route('/v1/rules', rulePreviewRoutes());
  app.route('/v1/periods', viewRoutes());
  app.route('/v1/periods', approvalRoutes());
  app.route('/v1/items', explainRoutes());
  app.route('/v1', peopleHistoryRoutes());
  app.route('/v1', unmappedRoutes());
  app.route('/v1/tenant', periodPreviewRoutes());
  app.route('/v1/management', managementRoutes());
  app.route('/v1/management', managementTrendRoutes());
  app.route('/v1', exportRoutes());
  app.route('/odata', odataRoutes());

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
    return problem(c, 500, 'Internal Server Error', { detail: 'see the server log for this request id' });
  });
  return app;
}
