import { app } from './app';
import type { Bindings } from './env';
import { runScheduledSweeps } from './scheduled';

export { HostSchedule } from './host-schedule';

export default {
  fetch: app.fetch,
  scheduled(controller, env, ctx) {
    ctx.waitUntil(
      runScheduledSweeps(env, new Date(controller.scheduledTime)).then((stats) => {
        // Every step has run; a failed one still marks the invocation failed for monitoring.
        if (stats.failed.length) throw new Error(`scheduled steps failed: ${stats.failed.join(', ')}`);
      }),
    );
  },
} satisfies ExportedHandler<Bindings>;
