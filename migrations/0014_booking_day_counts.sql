-- Tab counts without walking a tab (SPEC 13, bench goal ≤ 2× the trivial route): bookings per
-- status and UTC day, kept by triggers in the writing statement itself. An organization-wide
-- count sums whole days and counts only today's bookings on bookings_status_start_idx.
CREATE TABLE `booking_day_counts` (
	`status` text NOT NULL,
	`day` integer NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY (`status`, `day`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `booking_day_counts` (`status`, `day`, `n`)
SELECT `status`, `start_at` / 86400000, count(*) FROM `bookings` GROUP BY 1, 2;
--> statement-breakpoint
CREATE TRIGGER `booking_day_counts_insert` AFTER INSERT ON `bookings`
BEGIN
  INSERT OR IGNORE INTO `booking_day_counts` (`status`, `day`, `n`) VALUES (NEW.`status`, NEW.`start_at` / 86400000, 0);
  UPDATE `booking_day_counts` SET `n` = `n` + 1 WHERE `status` = NEW.`status` AND `day` = NEW.`start_at` / 86400000;
END;
--> statement-breakpoint
CREATE TRIGGER `booking_day_counts_update` AFTER UPDATE OF `status`, `start_at` ON `bookings`
WHEN OLD.`status` IS NOT NEW.`status` OR OLD.`start_at` / 86400000 IS NOT NEW.`start_at` / 86400000
BEGIN
  UPDATE `booking_day_counts` SET `n` = `n` - 1 WHERE `status` = OLD.`status` AND `day` = OLD.`start_at` / 86400000;
  INSERT OR IGNORE INTO `booking_day_counts` (`status`, `day`, `n`) VALUES (NEW.`status`, NEW.`start_at` / 86400000, 0);
  UPDATE `booking_day_counts` SET `n` = `n` + 1 WHERE `status` = NEW.`status` AND `day` = NEW.`start_at` / 86400000;
END;
--> statement-breakpoint
CREATE TRIGGER `booking_day_counts_delete` AFTER DELETE ON `bookings`
BEGIN
  UPDATE `booking_day_counts` SET `n` = `n` - 1 WHERE `status` = OLD.`status` AND `day` = OLD.`start_at` / 86400000;
END;
