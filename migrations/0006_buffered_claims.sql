-- A claim now holds its booking's buffered interval: [start − bufferBefore, end + bufferAfter]
-- of the booking's own page (SPEC 15), so the overlap trigger rules out overlap of buffered
-- intervals on every page of a host. Existing claims of confirmed bookings are rewritten from
-- their bookings. Claims are immutable (trigger), so they are deleted and inserted again; the
-- overlap trigger is dropped meanwhile, since bookings made before this may overlap once padded
-- (they stay, and /dev/integrity counts them as bufferedOverlaps). A buffered claim stays within
-- the one-day CHECK: duration ≤ 720 and each buffer ≤ 240 minutes (scheduling-pages.ts).
DROP TRIGGER `host_claims_no_overlap`;
--> statement-breakpoint
CREATE TABLE `host_claims_rewrite` AS
  SELECT c.`booking_id`, c.`host_id`,
    b.`start_at` - p.`buffer_before_minutes` * 60000 AS `start_at`,
    b.`end_at` + p.`buffer_after_minutes` * 60000 AS `end_at`
  FROM `host_claims` AS c
  JOIN `bookings` AS b ON b.`id` = c.`booking_id`
  JOIN `scheduling_pages` AS p ON p.`id` = b.`page_id`
  WHERE b.`status` = 'confirmed';
--> statement-breakpoint
DELETE FROM `host_claims` WHERE EXISTS (
  SELECT 1 FROM `host_claims_rewrite` AS r WHERE r.`booking_id` = `host_claims`.`booking_id` AND r.`host_id` = `host_claims`.`host_id`
);
--> statement-breakpoint
INSERT INTO `host_claims` (`booking_id`, `host_id`, `start_at`, `end_at`)
  SELECT `booking_id`, `host_id`, `start_at`, `end_at` FROM `host_claims_rewrite`;
--> statement-breakpoint
DROP TABLE `host_claims_rewrite`;
--> statement-breakpoint
-- As in 0001: claims are at most one day long (CHECK), so looking back one day from the new
-- start finds every overlap through host_claims_host_start_idx.
CREATE TRIGGER `host_claims_no_overlap` BEFORE INSERT ON `host_claims`
BEGIN
  SELECT RAISE(ABORT, 'already_booked')
  WHERE EXISTS (
    SELECT 1 FROM `host_claims` AS c
    WHERE c.`host_id` = NEW.`host_id`
      AND c.`start_at` > NEW.`start_at` - 86400000
      AND c.`start_at` < NEW.`end_at`
      AND c.`end_at` > NEW.`start_at`
  );
END;
