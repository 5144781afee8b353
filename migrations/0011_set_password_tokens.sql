-- Invitations (SPEC 9): an invited user sets their first password from a one-time emailed link.
-- Only the SHA-256 of a token is stored. A token is used (used_at set) in the same batch that
-- sets the password, so it works once; it dies at expires_at (72 h after it was issued).
CREATE TABLE `set_password_tokens` (
	`hash` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
-- a user's tokens: their invitation status on the Team page, and a re-invite revoking older links
CREATE INDEX `set_password_tokens_user_idx` ON `set_password_tokens` (`user_id`, `used_at`);
