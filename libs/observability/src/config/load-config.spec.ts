import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  MinLength,
} from 'class-validator';
import { ConfigValidationError, loadConfig } from './load-config';

class ServiceConfig {
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false })
  DATABASE_URL!: string;

  @IsInt()
  @Min(1)
  @Max(65_535)
  PORT = 3000;

  @IsIn(['debug', 'info', 'warn', 'error'])
  LOG_LEVEL = 'info';

  @IsString()
  @MinLength(32)
  WEBHOOK_SECRET!: string;

  @IsBoolean()
  DRY_RUN = false;

  @IsOptional()
  @IsInt()
  MAX_RETRIES?: number;

  @IsOptional()
  @IsBoolean()
  FEATURE_SMS?: boolean;
}

const valid = {
  DATABASE_URL: 'postgres://app:pw@db:5432/clement',
  WEBHOOK_SECRET: 'x'.repeat(32),
};

function problemsOf(env: Record<string, string | undefined>): readonly string[] {
  try {
    loadConfig(ServiceConfig, env);
  } catch (error: unknown) {
    if (error instanceof ConfigValidationError) {
      return error.problems;
    }
    throw error;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig', () => {
  it('converts types, applies defaults and drops variables the class does not declare', () => {
    const config = loadConfig(ServiceConfig, { ...valid, PORT: '8080', HOME: '/root' });

    expect(config).toBeInstanceOf(ServiceConfig);
    expect(config).toEqual({ ...valid, PORT: 8080, LOG_LEVEL: 'info', DRY_RUN: false });
    expect(config.PORT).toBe(8080);
    expect(config).not.toHaveProperty('HOME');
  });

  it('takes number and boolean types from annotations or from defaults', () => {
    const config = loadConfig(ServiceConfig, {
      ...valid,
      MAX_RETRIES: '5',
      FEATURE_SMS: 'off',
      DRY_RUN: 'yes',
    });

    expect(config).toMatchObject({ MAX_RETRIES: 5, FEATURE_SMS: false, DRY_RUN: true });
  });

  it('parses booleans by their text, not by truthiness', () => {
    expect(loadConfig(ServiceConfig, { ...valid, DRY_RUN: 'false' }).DRY_RUN).toBe(false);
    expect(loadConfig(ServiceConfig, { ...valid, FEATURE_SMS: 'false' }).FEATURE_SMS).toBe(false);
    expect(loadConfig(ServiceConfig, { ...valid, DRY_RUN: 'TRUE' }).DRY_RUN).toBe(true);
    expect(problemsOf({ ...valid, DRY_RUN: 'maybe', FEATURE_SMS: 'sometimes' })).toEqual([
      'DRY_RUN: must be a boolean value',
      'FEATURE_SMS: must be a boolean value',
    ]);
  });

  it('treats empty variables as unset, so defaults still apply', () => {
    expect(loadConfig(ServiceConfig, { ...valid, PORT: '' }).PORT).toBe(3000);
  });

  it('lists every bad or missing variable in one error', () => {
    const problems = problemsOf({ PORT: 'eighty', LOG_LEVEL: 'chatty', WEBHOOK_SECRET: 'short' });

    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^DATABASE_URL: is missing; must be a URL address$/),
        expect.stringMatching(/^PORT: .*must be an integer number/),
        expect.stringMatching(/^LOG_LEVEL: must be one of the following values: debug, info/),
        expect.stringMatching(/^WEBHOOK_SECRET: must be longer than or equal to 32 characters$/),
      ]),
    );
  });

  it('never echoes the values it rejects, even through custom messages', () => {
    class LeakyConfig {
      @IsUrl({}, { message: 'SMTP_URL "$value" is not a URL' })
      SMTP_URL!: string;
    }
    const secretUrl = 'smtp://mailer:hunter2-very-secret@mail';
    const secretToken = 'tok_live_abcdefghijklmnop';

    let message = '';
    try {
      loadConfig(LeakyConfig, { SMTP_URL: secretUrl });
    } catch (error: unknown) {
      message = (error as Error).message;
    }
    const serviceMessage = (() => {
      try {
        loadConfig(ServiceConfig, { ...valid, WEBHOOK_SECRET: secretToken });
        return '';
      } catch (error: unknown) {
        return (error as Error).message;
      }
    })();

    expect(message).toContain('SMTP_URL');
    expect(message).toContain('[hidden]');
    expect(message).not.toContain('hunter2');
    expect(serviceMessage).toContain('WEBHOOK_SECRET');
    expect(serviceMessage).not.toContain(secretToken);
  });
});
