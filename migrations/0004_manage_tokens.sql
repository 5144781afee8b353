CREATE TABLE `manage_tokens` (
	`hash` text PRIMARY KEY NOT NULL,
	`series_id` text,
	`attendee_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`series_id`) REFERENCES `booking_series`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`attendee_id`) REFERENCES `booking_attendees`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "manage_tokens_owner_check" CHECK(("manage_tokens"."series_id" IS NULL) <> ("manage_tokens"."attendee_id" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `manage_tokens_series_idx` ON `manage_tokens` (`series_id`);--> statement-breakpoint
CREATE INDEX `manage_tokens_attendee_idx` ON `manage_tokens` (`attendee_id`);--> statement-breakpoint
-- Existing manage links keep working: their hashes move over before the columns go.
INSERT INTO `manage_tokens` (`hash`, `series_id`, `attendee_id`, `created_at`)
  SELECT `manage_token_hash`, `series_id`, NULL, `updated_at` FROM `bookings` WHERE `manage_token_hash` IS NOT NULL;--> statement-breakpoint
INSERT INTO `manage_tokens` (`hash`, `series_id`, `attendee_id`, `created_at`)
  SELECT `manage_token_hash`, NULL, `id`, `created_at` FROM `booking_attendees` WHERE `manage_token_hash` IS NOT NULL;--> statement-breakpoint
DROP INDEX `booking_attendees_token_unique`;--> statement-breakpoint
ALTER TABLE `booking_attendees` DROP COLUMN `manage_token_hash`;--> statement-breakpoint
DROP INDEX `bookings_manage_token_unique`;--> statement-breakpoint
ALTER TABLE `bookings` DROP COLUMN `manage_token_hash`;