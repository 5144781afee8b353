CREATE TABLE `activities` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`person_id` integer NOT NULL,
	`kind` text NOT NULL,
	`summary` text NOT NULL,
	`booking_id` text,
	`occurred_at` integer NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `persons`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `activities_person_time_idx` ON `activities` (`person_id`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `availability_overrides` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`date` text NOT NULL,
	`start_minute` integer,
	`end_minute` integer,
	`unavailable` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `availability_overrides_user_date_idx` ON `availability_overrides` (`user_id`,`date`);--> statement-breakpoint
CREATE TABLE `availability_rules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`day` integer NOT NULL,
	`start_minute` integer NOT NULL,
	`end_minute` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `availability_rules_user_idx` ON `availability_rules` (`user_id`,`day`);--> statement-breakpoint
CREATE TABLE `booking_attendees` (
	`id` text PRIMARY KEY NOT NULL,
	`booking_id` text NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`phone` text,
	`timezone` text,
	`notes` text,
	`answers` text DEFAULT '{}' NOT NULL,
	`person_id` integer,
	`status` text DEFAULT 'confirmed' NOT NULL,
	`manage_token_hash` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`person_id`) REFERENCES `persons`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `booking_attendees_booking_idx` ON `booking_attendees` (`booking_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `booking_attendees_token_unique` ON `booking_attendees` (`manage_token_hash`);--> statement-breakpoint
CREATE TABLE `booking_hosts` (
	`booking_id` text NOT NULL,
	`user_id` integer NOT NULL,
	PRIMARY KEY(`booking_id`, `user_id`),
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `booking_hosts_user_idx` ON `booking_hosts` (`user_id`);--> statement-breakpoint
CREATE TABLE `booking_series` (
	`id` text PRIMARY KEY NOT NULL,
	`page_id` integer NOT NULL,
	`ics_uid` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`page_id`) REFERENCES `scheduling_pages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `bookings` (
	`id` text PRIMARY KEY NOT NULL,
	`series_id` text NOT NULL,
	`page_id` integer NOT NULL,
	`host_id` integer NOT NULL,
	`status` text NOT NULL,
	`start_at` integer NOT NULL,
	`end_at` integer NOT NULL,
	`timezone` text NOT NULL,
	`booker_name` text NOT NULL,
	`booker_email` text NOT NULL,
	`booker_phone` text,
	`booker_timezone` text,
	`notes` text,
	`answers` text DEFAULT '{}' NOT NULL,
	`location_type` text NOT NULL,
	`location_value` text,
	`meeting_url` text,
	`person_id` integer,
	`attendee_count` integer DEFAULT 1 NOT NULL,
	`capacity` integer DEFAULT 1 NOT NULL,
	`attendance` text,
	`cancel_reason` text,
	`cancelled_by` text,
	`host_message` text,
	`ics_uid` text NOT NULL,
	`ics_sequence` integer DEFAULT 0 NOT NULL,
	`manage_token_hash` text,
	`briefing_sent_at` integer,
	`calendar_event_id` text,
	`calendar_status` text,
	`calendar_error` text,
	`email_status` text,
	`email_attempts` integer DEFAULT 0 NOT NULL,
	`email_last_error` text,
	`email_provider_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`series_id`) REFERENCES `booking_series`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`page_id`) REFERENCES `scheduling_pages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`host_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`person_id`) REFERENCES `persons`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "bookings_capacity_check" CHECK("bookings"."attendee_count" <= "bookings"."capacity"),
	CONSTRAINT "bookings_interval_check" CHECK("bookings"."end_at" > "bookings"."start_at")
);
--> statement-breakpoint
CREATE INDEX `bookings_status_start_idx` ON `bookings` (`status`,`start_at`,`id`);--> statement-breakpoint
CREATE INDEX `bookings_briefing_idx` ON `bookings` (`start_at`) WHERE "bookings"."status" = 'confirmed' AND "bookings"."briefing_sent_at" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `bookings_manage_token_unique` ON `bookings` (`manage_token_hash`);--> statement-breakpoint
CREATE INDEX `bookings_series_idx` ON `bookings` (`series_id`);--> statement-breakpoint
CREATE INDEX `bookings_page_start_idx` ON `bookings` (`page_id`,`start_at`);--> statement-breakpoint
CREATE TABLE `host_claims` (
	`booking_id` text NOT NULL,
	`host_id` integer NOT NULL,
	`start_at` integer NOT NULL,
	`end_at` integer NOT NULL,
	PRIMARY KEY(`booking_id`, `host_id`),
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`host_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "host_claims_length_check" CHECK("host_claims"."end_at" > "host_claims"."start_at" AND "host_claims"."end_at" - "host_claims"."start_at" <= 86400000)
);
--> statement-breakpoint
CREATE INDEX `host_claims_host_start_idx` ON `host_claims` (`host_id`,`start_at`);--> statement-breakpoint
CREATE TABLE `opportunities` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`person_id` integer NOT NULL,
	`name` text NOT NULL,
	`stage` text NOT NULL,
	`amount` real DEFAULT 0 NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `persons`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `opportunities_person_status_idx` ON `opportunities` (`person_id`,`status`);--> statement-breakpoint
CREATE TABLE `email_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`booking_id` text,
	`kind` text NOT NULL,
	`to_address` text NOT NULL,
	`subject` text NOT NULL,
	`html` text NOT NULL,
	`text_body` text NOT NULL,
	`ics_method` text,
	`ics` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`provider_message_id` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`booking_id`) REFERENCES `bookings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `email_outbox_due_idx` ON `email_outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `email_outbox_booking_idx` ON `email_outbox` (`booking_id`);--> statement-breakpoint
CREATE TABLE `page_hosts` (
	`page_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`weight` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`page_id`, `user_id`),
	FOREIGN KEY (`page_id`) REFERENCES `scheduling_pages`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `page_hosts_user_idx` ON `page_hosts` (`user_id`);--> statement-breakpoint
CREATE TABLE `persons` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`phone` text,
	`lifecycle_stage` text DEFAULT 'lead' NOT NULL,
	`lifecycle_meta` text DEFAULT '{"attendedCount":0,"noShowCount":0,"lastNoShowAt":null}' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `persons_email_unique` ON `persons` (`email`);--> statement-breakpoint
CREATE TABLE `roles` (
	`name` text PRIMARY KEY NOT NULL,
	`view_scope` text,
	`edit_scope` text,
	`delete_scope` text
);
--> statement-breakpoint
CREATE TABLE `round_robin_cursors` (
	`page_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`last_assigned_at` integer NOT NULL,
	`rotation` integer NOT NULL,
	PRIMARY KEY(`page_id`, `user_id`),
	FOREIGN KEY (`page_id`) REFERENCES `scheduling_pages`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `scheduling_pages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`owner_id` integer NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`duration_minutes` integer NOT NULL,
	`timezone` text NOT NULL,
	`location_type` text NOT NULL,
	`location_value` text,
	`strategy` text NOT NULL,
	`group_capacity` integer,
	`slot_interval_minutes` integer NOT NULL,
	`minimum_notice_minutes` integer DEFAULT 0 NOT NULL,
	`horizon_days` integer DEFAULT 60 NOT NULL,
	`buffer_before_minutes` integer DEFAULT 0 NOT NULL,
	`buffer_after_minutes` integer DEFAULT 0 NOT NULL,
	`questions` text DEFAULT '[]' NOT NULL,
	`briefing_enabled` integer DEFAULT true NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `scheduling_pages_slug_unique` ON `scheduling_pages` (`slug`);--> statement-breakpoint
CREATE TABLE `teams` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `teams_name_unique` ON `teams` (`name`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`password_hash` text NOT NULL,
	`timezone` text NOT NULL,
	`team_id` integer,
	`role` text NOT NULL,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`role`) REFERENCES `roles`(`name`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE INDEX `users_team_idx` ON `users` (`team_id`);