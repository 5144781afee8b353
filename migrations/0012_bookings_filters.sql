-- SPEC 13: the Bookings page's filters (host, page, attendance, dates) each walk an index in the
-- tab's order, so a filtered tab reads only its page of rows and its count only its own rows.
--
-- A host's bookings in tab order: booking_hosts carries a copy of its booking's status and start
-- (kept by the triggers below, so no writer has to know), indexed per user. It serves the host
-- filter and scope `own` (any host of a collective) without sorting that host's whole history.
ALTER TABLE `booking_hosts` ADD COLUMN `status` text;
--> statement-breakpoint
ALTER TABLE `booking_hosts` ADD COLUMN `start_at` integer;
--> statement-breakpoint
UPDATE `booking_hosts` SET
  `status` = (SELECT b.`status` FROM `bookings` AS b WHERE b.`id` = `booking_hosts`.`booking_id`),
  `start_at` = (SELECT b.`start_at` FROM `bookings` AS b WHERE b.`id` = `booking_hosts`.`booking_id`);
--> statement-breakpoint
CREATE INDEX `booking_hosts_user_tab_idx` ON `booking_hosts` (`user_id`, `status`, `start_at`, `booking_id`);
--> statement-breakpoint
CREATE TRIGGER `booking_hosts_copy_on_insert` AFTER INSERT ON `booking_hosts`
BEGIN
  UPDATE `booking_hosts` SET
    `status` = (SELECT b.`status` FROM `bookings` AS b WHERE b.`id` = NEW.`booking_id`),
    `start_at` = (SELECT b.`start_at` FROM `bookings` AS b WHERE b.`id` = NEW.`booking_id`)
  WHERE `booking_id` = NEW.`booking_id` AND `user_id` = NEW.`user_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `booking_hosts_copy_on_change` AFTER UPDATE OF `status`, `start_at` ON `bookings`
WHEN NEW.`status` IS NOT OLD.`status` OR NEW.`start_at` IS NOT OLD.`start_at`
BEGIN
  UPDATE `booking_hosts` SET `status` = NEW.`status`, `start_at` = NEW.`start_at` WHERE `booking_id` = NEW.`id`;
END;
--> statement-breakpoint
-- A page's bookings in tab order (the page filter).
CREATE INDEX `bookings_page_status_start_idx` ON `bookings` (`page_id`, `status`, `start_at`, `id`);
--> statement-breakpoint
-- The Past tab by attendance (attended, no-show, unmarked = NULL) in tab order.
CREATE INDEX `bookings_status_attendance_start_idx` ON `bookings` (`status`, `attendance`, `start_at`, `id`);
