-- Outgoing webhooks (SPEC 12): endpoints, their deliveries (an outbox written in the same D1
-- batch as the booking change) and every attempt made to send one.
-- owner_id NULL: an organization endpoint (every booking); else a user's personal endpoint (the
-- bookings in that user's view scope). secret is a signing key (it must be readable to sign);
-- after a rotation previous_secret signs too until previous_secret_expires_at.
CREATE TABLE `webhook_endpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`events` text NOT NULL,
	`owner_id` integer REFERENCES `users`(`id`),
	`active` integer DEFAULT 1 NOT NULL,
	`disabled_reason` text,
	`secret` text NOT NULL,
	`previous_secret` text,
	`previous_secret_expires_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer
);
--> statement-breakpoint
-- the endpoints a booking change may go to (the change's INSERT … SELECT) and a user's own list
CREATE INDEX `webhook_endpoints_live_idx` ON `webhook_endpoints` (`owner_id`) WHERE `deleted_at` IS NULL;
--> statement-breakpoint
-- id is the `webhook-id` header (the same on every retry and replay). event_id names the booking
-- change; timed = a workflow's before_start/after_end delivery (due_at, never sent before it).
-- payload: the body, composed at the first attempt and kept, so every attempt sends the same bytes.
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`endpoint_id` text NOT NULL REFERENCES `webhook_endpoints`(`id`),
	`event_id` text,
	`event_type` text NOT NULL,
	`booking_id` text REFERENCES `bookings`(`id`),
	`workflow_id` integer REFERENCES `workflows`(`id`),
	`timed` integer DEFAULT 0 NOT NULL,
	`extra` text,
	`payload` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`due_at` integer NOT NULL,
	`next_attempt_at` integer,
	`reason` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CHECK (`status` IN ('pending','succeeded','failed','cancelled','skipped'))
);
--> statement-breakpoint
-- the sweep: pending deliveries that are due
CREATE INDEX `webhook_deliveries_due_idx` ON `webhook_deliveries` (`status`,`next_attempt_at`);
--> statement-breakpoint
-- an endpoint's delivery log, newest first (keyset on created_at, id)
CREATE INDEX `webhook_deliveries_endpoint_idx` ON `webhook_deliveries` (`endpoint_id`,`created_at`,`id`);
--> statement-breakpoint
-- a booking's deliveries: the immediate send after its change, a cancel or reschedule of timed ones
CREATE INDEX `webhook_deliveries_booking_idx` ON `webhook_deliveries` (`booking_id`);
--> statement-breakpoint
-- the 30-day prune
CREATE INDEX `webhook_deliveries_created_idx` ON `webhook_deliveries` (`created_at`);
--> statement-breakpoint
-- one delivery per change and endpoint (and workflow): a change cannot queue one twice
CREATE UNIQUE INDEX `webhook_deliveries_once_idx` ON `webhook_deliveries` (`event_id`,`endpoint_id`,coalesce(`workflow_id`, 0)) WHERE `event_id` IS NOT NULL;
--> statement-breakpoint
-- one timed delivery per workflow and occurrence (a seat joining again does not queue another)
CREATE UNIQUE INDEX `webhook_deliveries_timed_once_idx` ON `webhook_deliveries` (`workflow_id`,`booking_id`) WHERE `timed` = 1;
--> statement-breakpoint
-- status: the HTTP status, NULL when none came (timeout, network); response: ≤ 1 KB of the body or the error
CREATE TABLE `webhook_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` text NOT NULL,
	`at` integer NOT NULL,
	`status` integer,
	`duration_ms` integer NOT NULL,
	`response` text
);
--> statement-breakpoint
-- a delivery's attempts in order (the log)
CREATE INDEX `webhook_attempts_delivery_idx` ON `webhook_attempts` (`delivery_id`,`at`);
--> statement-breakpoint
-- the 30-day prune
CREATE INDEX `webhook_attempts_at_idx` ON `webhook_attempts` (`at`);
