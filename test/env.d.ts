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
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
  }
}
