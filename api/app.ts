import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { ApiDependencies, AppEnv } from './context.js';
import { ProblemError, problem } from './problems.js';
import { healthRoutes } from './routes/health.js';

/** The HTTP API: small routers per resource, composed here. Tests call `app.request()` directly. */
export function createApp(deps: ApiDependencies) {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.use(async (c, next) => {
    c.set('deps', deps);
    await next();
    c.header('x-request-id', c.get('requestId'));
  });
  app.route('/health', healthRoutes());

  app.notFound((c) => problem(c, 404, 'Not Found', { detail: `no route for ${c.req.method} ${c.req.path}` }));
  app.onError((error, c) => {
    if (error instanceof ProblemError) {
      return problem(c, error.status, error.title, {
        detail: error.message,
        ...(error.errors ? { errors: error.errors } : {}),
      });
    }
    if (error instanceof HTTPException) return problem(c, error.status, error.message || 'Error');
    console.error(`[${c.get('requestId')}]`, error);
    return problem(c, 500, 'Internal Server Error', { detail: 'see the server log for this request id' });
  });
  return app;
}
