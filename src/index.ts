import { app } from './app';
import type { Bindings } from './env';
import { runScheduledSweeps } from './scheduled';

export { HostSchedule } from './host-schedule';

export default {
  fetch: app.fetch,
  scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduledSweeps(env, new Date(controller.scheduledTime)));
  },
} satisfies ExportedHandler<Bindings>;
