-- A delivery's claim on an outbox row, kept beside the outbox instead of in it: claiming a
-- sweep's 1,000 due rows then writes 1,000 small rows to one small table, not 1,000 rows
-- scattered over the outbox (and its due index). A row is leased while `until` is ahead;
-- `taken` counts the claims since its last recorded attempt, so a send that never finished
-- still counts as an attempt. The claim copies what delivery needs before it composes.
CREATE TABLE `email_outbox_leases` (
	`outbox_id` text PRIMARY KEY NOT NULL,
	`until` integer NOT NULL,
	`taken` integer DEFAULT 1 NOT NULL,
	`booking_id` text,
	`kind` text NOT NULL,
	`to_address` text NOT NULL,
	`attempts` integer NOT NULL,
	`fresh` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `email_outbox_leases_until_idx` ON `email_outbox_leases` (`until`);
