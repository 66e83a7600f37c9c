import { describe, expect, it } from 'vitest';
import { lambdaLogger, logThreshold } from '#functions/runtime/lambda-logger.ts';

function recorder(env: NodeJS.ProcessEnv = {}) {
  const lines: Record<string, unknown>[] = [];
  const logger = lambdaLogger({ env, write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { lines, logger };
}

const context = (awsRequestId: string) => ({ awsRequestId, functionName: 'berth-scheduler' });

describe('the Lambda logger', () => {
  it('writes the keys of the Powertools logger', () => {
    const { lines, logger } = recorder({ POWERTOOLS_SERVICE_NAME: 'control-plane' });
    logger.bind(context('req-1'));
    logger.info('reconciled', { cluster: 'default' });
    expect(lines).toEqual([
      {
        level: 'INFO',
        message: 'reconciled',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
        service: 'control-plane',
        cold_start: true,
        function_name: 'berth-scheduler',
        function_request_id: 'req-1',
        cluster: 'default',
      },
    ]);
  });

  it('marks only the first invocation of the process as a cold start, and names each request', () => {
    const { lines, logger } = recorder();
    logger.bind(context('req-1'));
    logger.warn('one');
    logger.bind(context('req-2'));
    logger.warn('two');
    expect(lines.map((line) => [line.cold_start, line.function_request_id, line.service])).toEqual([
      [true, 'req-1', 'berth'],
      [false, 'req-2', 'berth'],
    ]);
  });

  it('carries the X-Ray trace id while Lambda sets one', () => {
    const { lines, logger } = recorder({ _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1' });
    logger.error('failed', { error: new Error('boom') });
    expect(lines[0]).toMatchObject({
      level: 'ERROR',
      xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
      error: { name: 'Error', message: 'boom' },
    });
  });

  it('drops DEBUG by default and writes it when the level is DEBUG', () => {
    const quiet = recorder();
    quiet.logger.debug('hidden');
    quiet.logger.info('shown');
    expect(quiet.lines.map((line) => line.message)).toEqual(['shown']);
    const verbose = recorder({ POWERTOOLS_LOG_LEVEL: 'debug' });
    verbose.logger.debug('shown');
    expect(verbose.lines).toMatchObject([{ level: 'DEBUG', message: 'shown' }]);
  });

  it('writes only errors at level ERROR', () => {
    const { lines, logger } = recorder({ LOG_LEVEL: 'ERROR' });
    logger.info('no');
    logger.warn('no');
    logger.error('yes');
    expect(lines.map((line) => line.message)).toEqual(['yes']);
  });

  it('reads the level as Powertools does: Lambda’s own, then POWERTOOLS_LOG_LEVEL, then LOG_LEVEL, else INFO', () => {
    expect(logThreshold({ AWS_LAMBDA_LOG_LEVEL: 'WARN', POWERTOOLS_LOG_LEVEL: 'DEBUG', LOG_LEVEL: 'ERROR' })).toBe(
      logThreshold({ LOG_LEVEL: 'WARN' }),
    );
    expect(logThreshold({ POWERTOOLS_LOG_LEVEL: 'DEBUG', LOG_LEVEL: 'ERROR' })).toBe(
      logThreshold({ LOG_LEVEL: 'DEBUG' }),
    );
    expect(logThreshold({})).toBe(logThreshold({ LOG_LEVEL: 'INFO' }));
    expect(logThreshold({ LOG_LEVEL: 'LOUD' })).toBe(logThreshold({ LOG_LEVEL: 'INFO' }));
    expect(logThreshold({ LOG_LEVEL: 'DEBUG' })).toBeLessThan(logThreshold({ LOG_LEVEL: 'INFO' }));
  });
});
