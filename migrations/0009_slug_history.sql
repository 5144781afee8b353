-- Slug renames keep old links working: each old slug names its page, and /b/<old> (and its
-- manage links) answer 301 to the page's slug now. Rows are written in the rename's own batch.
CREATE TABLE `slug_history` (
	`slug` text PRIMARY KEY NOT NULL,
	`page_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`page_id`) REFERENCES `scheduling_pages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
-- An old slug stays its page's while it redirects: another page may not take it, or an emailed
-- manage link would lead a booker to someone else's page. Its own page may take it back.
CREATE TRIGGER `scheduling_pages_slug_reserved_insert` BEFORE INSERT ON `scheduling_pages`
WHEN EXISTS (SELECT 1 FROM `slug_history` WHERE `slug` = NEW.`slug`)
BEGIN
  SELECT RAISE(ABORT, 'slug_taken');
END;
--> statement-breakpoint
CREATE TRIGGER `scheduling_pages_slug_reserved_update` BEFORE UPDATE OF `slug` ON `scheduling_pages`
WHEN EXISTS (SELECT 1 FROM `slug_history` WHERE `slug` = NEW.`slug` AND `page_id` <> NEW.`id`)
BEGIN
  SELECT RAISE(ABORT, 'slug_taken');
END;
