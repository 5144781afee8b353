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
  /** Abuse limits (wrangler.toml `[[ratelimits]]`): public booking per client IP and per booker email, slots and login per IP. */
  BOOKING_IP_LIMITER: RateLimit;
  BOOKING_EMAIL_LIMITER: RateLimit;
  SLOTS_IP_LIMITER: RateLimit;
  LOGIN_IP_LIMITER: RateLimit;
  /** Turnstile on the booking form: without the secret there is no challenge. */
  TURNSTILE_SECRET_KEY?: string;
  TURNSTILE_SITE_KEY?: string;
  TURNSTILE_BASE_URL: string;
};

export type Variables = {
  /** "Now" for this request: the real clock, or X-Test-Now outside production. */
  now: Date;
  user: SessionUser;
  cspNonce: string;
  /** The client's IP: CF-Connecting-IP, or X-Test-Client-IP outside production. */
  clientIp: string;
};

export type AppEnv = { Bindings: Bindings; Variables: Variables };

export const isNonProduction = (env: Pick<Bindings, 'ENVIRONMENT'>) =>
  env.ENVIRONMENT === 'development' || env.ENVIRONMENT === 'test';
