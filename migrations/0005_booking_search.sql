-- Bookings page search (q): a trigram index over what a row shows of its booker (name, email,
-- and the linked CRM person's name), so a substring search looks candidates up instead of
-- walking a whole tab. Bookers never change on a row (a reschedule inserts a new one), so rows
-- are indexed as they are inserted; the list query re-checks the exact match on the columns.
CREATE VIRTUAL TABLE `booking_search` USING fts5(`booking_id` UNINDEXED, `booker`, tokenize = 'trigram');
--> statement-breakpoint
INSERT INTO `booking_search` (`booking_id`, `booker`)
  SELECT b.`id`, b.`booker_name` || ' ' || b.`booker_email` || ' ' || COALESCE(p.`name`, '')
  FROM `bookings` AS b LEFT JOIN `persons` AS p ON p.`id` = b.`person_id`;
--> statement-breakpoint
CREATE TRIGGER `booking_search_insert` AFTER INSERT ON `bookings`
BEGIN
  INSERT INTO `booking_search` (`booking_id`, `booker`)
  VALUES (NEW.`id`, NEW.`booker_name` || ' ' || NEW.`booker_email` || ' ' || COALESCE((SELECT `name` FROM `persons` WHERE `id` = NEW.`person_id`), ''));
END;
