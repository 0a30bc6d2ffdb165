import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';

/**
 * The Temporal SDK logs every bundle and worker state change at INFO; Monthend's processes show
 * warnings and errors unless MONTHEND_LOG_LEVEL asks for more. Call before any worker is created.
 */
export function installTemporalLogging(level = (process.env.MONTHEND_LOG_LEVEL ?? 'WARN') as LogLevel): void {
  Runtime.install({ logger: new DefaultLogger(level) });
}
