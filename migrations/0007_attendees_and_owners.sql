-- SPEC 15: group attendees are marked one by one, search finds every current attendee and a
-- person's new name, and CRM visibility follows a person's owner.
ALTER TABLE `booking_attendees` ADD COLUMN `attendance` text;
--> statement-breakpoint
-- The owner is the host of the booking that created the person. Existing people: the host of
-- their earliest booking (their own or a group seat), else NULL (visible only to scope `all`).
ALTER TABLE `persons` ADD COLUMN `owner_id` integer REFERENCES `users`(`id`);
--> statement-breakpoint
CREATE INDEX `bookings_person_idx` ON `bookings` (`person_id`);
--> statement-breakpoint
CREATE INDEX `booking_attendees_person_idx` ON `booking_attendees` (`person_id`);
--> statement-breakpoint
UPDATE `persons` SET `owner_id` = (
  SELECT e.`host_id` FROM (
    SELECT b.`host_id`, b.`created_at`, b.`id` FROM `bookings` AS b WHERE b.`person_id` = `persons`.`id`
    UNION ALL
    SELECT b.`host_id`, a.`created_at`, b.`id` FROM `booking_attendees` AS a JOIN `bookings` AS b ON b.`id` = a.`booking_id`
    WHERE a.`person_id` = `persons`.`id`
  ) AS e ORDER BY e.`created_at`, e.`id` LIMIT 1
);
--> statement-breakpoint
-- booking_search (migration 0005) becomes append-only: whenever a booking gains a booker text
-- (an attendee joins or moves in, a person is renamed), a row is added for it. Old texts stay
-- and only widen the candidates; the list query re-checks every row exactly against the
-- booking's current attendees and the person's current name, so nothing is deleted here.
INSERT INTO `booking_search` (`booking_id`, `booker`)
  SELECT a.`booking_id`, a.`name` || ' ' || a.`email` || ' ' || COALESCE(p.`name`, '')
  FROM `booking_attendees` AS a LEFT JOIN `persons` AS p ON p.`id` = a.`person_id`
  WHERE a.`status` = 'confirmed';
--> statement-breakpoint
CREATE TRIGGER `booking_search_attendee_insert` AFTER INSERT ON `booking_attendees`
WHEN NEW.`status` = 'confirmed'
BEGIN
  INSERT INTO `booking_search` (`booking_id`, `booker`)
  VALUES (NEW.`booking_id`, NEW.`name` || ' ' || NEW.`email` || ' ' || COALESCE((SELECT `name` FROM `persons` WHERE `id` = NEW.`person_id`), ''));
END;
--> statement-breakpoint
-- A seat moving to another occurrence (a booker's move, a host's reschedule) or coming back.
CREATE TRIGGER `booking_search_attendee_update` AFTER UPDATE OF `booking_id`, `status`, `name`, `email`, `person_id` ON `booking_attendees`
WHEN NEW.`status` = 'confirmed' AND (NEW.`booking_id` IS NOT OLD.`booking_id` OR NEW.`status` IS NOT OLD.`status` OR NEW.`name` IS NOT OLD.`name`
  OR NEW.`email` IS NOT OLD.`email` OR NEW.`person_id` IS NOT OLD.`person_id`)
BEGIN
  INSERT INTO `booking_search` (`booking_id`, `booker`)
  VALUES (NEW.`booking_id`, NEW.`name` || ' ' || NEW.`email` || ' ' || COALESCE((SELECT `name` FROM `persons` WHERE `id` = NEW.`person_id`), ''));
END;
--> statement-breakpoint
CREATE TRIGGER `booking_search_booking_update` AFTER UPDATE OF `booker_name`, `booker_email`, `person_id` ON `bookings`
WHEN NEW.`booker_name` IS NOT OLD.`booker_name` OR NEW.`booker_email` IS NOT OLD.`booker_email` OR NEW.`person_id` IS NOT OLD.`person_id`
BEGIN
  INSERT INTO `booking_search` (`booking_id`, `booker`)
  VALUES (NEW.`id`, NEW.`booker_name` || ' ' || NEW.`booker_email` || ' ' || COALESCE((SELECT `name` FROM `persons` WHERE `id` = NEW.`person_id`), ''));
END;
--> statement-breakpoint
-- A renamed person: their new name on each of their bookings and seats (bookings_person_idx,
-- booking_attendees_person_idx).
CREATE TRIGGER `booking_search_person_rename` AFTER UPDATE OF `name` ON `persons`
WHEN NEW.`name` IS NOT OLD.`name`
BEGIN
  INSERT INTO `booking_search` (`booking_id`, `booker`)
  SELECT `id`, NEW.`name` FROM `bookings` WHERE `person_id` = NEW.`id`
  UNION
  SELECT `booking_id`, NEW.`name` FROM `booking_attendees` WHERE `person_id` = NEW.`id`;
END;
