-- Workflows (SPEC 11): per scheduling page, a trigger, an action and for timed triggers an offset.
-- subject/body NULL: the message catalogue's text for that kind, in each recipient's language
-- (the defaults below); a host's own text is stored as written.
CREATE TABLE `workflows` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`page_id` integer NOT NULL REFERENCES `scheduling_pages`(`id`),
	`name` text NOT NULL,
	`trigger` text NOT NULL,
	`offset_minutes` integer,
	`action` text NOT NULL,
	`to_address` text,
	`subject` text,
	`body` text,
	`webhook_id` text,
	`active` integer DEFAULT 1 NOT NULL,
	`deleted_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CHECK (`trigger` IN ('booking_created','booking_rescheduled','booking_cancelled','before_start','after_end','marked_no_show','marked_attended')),
	CHECK (`action` IN ('email_booker','email_host','email_address','webhook')),
	CHECK ((`offset_minutes` IS NULL) = (`trigger` NOT IN ('before_start','after_end')))
);
--> statement-breakpoint
-- a page's workflows for one trigger: the booking change's INSERT … SELECT and the list
CREATE INDEX `workflows_page_trigger_idx` ON `workflows` (`page_id`,`trigger`);
--> statement-breakpoint
-- Messages a workflow causes are outbox rows (invariant 3) tied to their workflow and, for a
-- group seat, to that attendee; 'cancelled' joins the statuses. One message per workflow,
-- booking, seat and recipient: a repeated or racing change cannot queue it twice.
ALTER TABLE `email_outbox` ADD `workflow_id` integer REFERENCES `workflows`(`id`);
--> statement-breakpoint
ALTER TABLE `email_outbox` ADD `attendee_id` text;
--> statement-breakpoint
-- When a message is due (a timed workflow's reminder time; else when it was queued): the
-- timeline shows it, while next_attempt_at moves on with retries.
ALTER TABLE `email_outbox` ADD `due_at` integer;
--> statement-breakpoint
-- One row per recipient too: a collective booking's email_host message goes to every host. A
-- cancelled message holds no place: a workflow turned off and on again schedules afresh.
CREATE UNIQUE INDEX `email_outbox_workflow_once_idx` ON `email_outbox` (`workflow_id`,`booking_id`,coalesce(`attendee_id`, ''),`to_address`) WHERE `workflow_id` IS NOT NULL AND `status` <> 'cancelled';
--> statement-breakpoint
-- Every existing page gets the defaults new pages get: two active booker reminders and an
-- inactive "We missed you" follow-up.
INSERT INTO `workflows` (`page_id`,`name`,`trigger`,`offset_minutes`,`action`,`active`,`created_at`,`updated_at`)
SELECT `id`, 'Reminder 24 hours before', 'before_start', 1440, 'email_booker', 1, `created_at`, `created_at` FROM `scheduling_pages`;
--> statement-breakpoint
INSERT INTO `workflows` (`page_id`,`name`,`trigger`,`offset_minutes`,`action`,`active`,`created_at`,`updated_at`)
SELECT `id`, 'Reminder 1 hour before', 'before_start', 60, 'email_booker', 1, `created_at`, `created_at` FROM `scheduling_pages`;
--> statement-breakpoint
INSERT INTO `workflows` (`page_id`,`name`,`trigger`,`offset_minutes`,`action`,`active`,`created_at`,`updated_at`)
SELECT `id`, 'We missed you', 'marked_no_show', NULL, 'email_booker', 0, `created_at`, `created_at` FROM `scheduling_pages`;
