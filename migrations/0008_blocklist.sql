-- Abuse controls (SPEC 14): the organization's blocklist, the booking attempts it refused (for
-- admins), and failed sign-ins per email (the lock that slows password guessing).

-- A whole address ('x@y.z') or a domain wildcard ('*@spam.example'); a booking's email is
-- looked up by primary key as itself and as '*@' || its domain.
CREATE TABLE `blocklist_entries` (
	`pattern` text PRIMARY KEY NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `blocked_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`entry` text NOT NULL,
	`page_slug` text NOT NULL,
	`client_ip` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
-- admins' list of recent refusals (newest first), and pruning old ones
CREATE INDEX `blocked_attempts_at_idx` ON `blocked_attempts` (`at`);
--> statement-breakpoint
CREATE TABLE `login_failures` (
	`email` text PRIMARY KEY NOT NULL,
	`window_start` integer NOT NULL,
	`failures` integer NOT NULL
);
--> statement-breakpoint
-- pruning windows that are over
CREATE INDEX `login_failures_window_idx` ON `login_failures` (`window_start`);
