import type { HostSchedule } from './host-schedule';
import type { SessionUser } from './domain/permissions';

export type Bindings = {
  DB: D1Database;
  HOST_SCHEDULE: DurableObjectNamespace<HostSchedule>;
  ASSETS?: Fetcher;
  ENVIRONMENT: 'development' | 'test' | 'production';
  APP_URL: string;
  EMAIL_FROM: string;
  SESSION_SECRET?: string;
  RESEND_API_KEY?: string;
  RESEND_BASE_URL: string;
  GOOGLE_API_BASE_URL: string;
  GOOGLE_SERVICE_ACCOUNT?: string;
};

export type Variables = {
  /** "Now" for this request: the real clock, or X-Test-Now outside production. */
  now: Date;
  user: SessionUser;
  cspNonce: string;
};

export type AppEnv = { Bindings: Bindings; Variables: Variables };

export const isNonProduction = (env: Pick<Bindings, 'ENVIRONMENT'>) =>
  env.ENVIRONMENT === 'development' || env.ENVIRONMENT === 'test';
