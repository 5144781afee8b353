declare namespace Cloudflare {
  interface Env {
    DB: D1Database;
    HOST_SCHEDULE: DurableObjectNamespace<import('../src/host-schedule').HostSchedule>;
    ENVIRONMENT: 'development' | 'test' | 'production';
    APP_URL: string;
    EMAIL_FROM: string;
    RESEND_BASE_URL: string;
    GOOGLE_API_BASE_URL: string;
    RESEND_API_KEY?: string;
    BOOKING_IP_LIMITER: RateLimit;
    BOOKING_EMAIL_LIMITER: RateLimit;
    SLOTS_IP_LIMITER: RateLimit;
    LOGIN_IP_LIMITER: RateLimit;
    TURNSTILE_SECRET_KEY?: string;
    TURNSTILE_SITE_KEY?: string;
    TURNSTILE_BASE_URL: string;
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
  }
}
