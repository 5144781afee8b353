-- Default roles: each scheduler permission with its data scope (NULL = not granted).
INSERT INTO `roles` (`name`, `view_scope`, `edit_scope`, `delete_scope`) VALUES
  ('admin', 'all', 'all', 'all'),
  ('sales_manager', 'team', 'team', 'team'),
  ('sales_rep', 'own', 'own', 'own'),
  ('viewer', 'team', NULL, NULL);
--> statement-breakpoint
-- Invariant 1: no two confirmed bookings of one host overlap. Every confirmed booking holds a
-- claim per host; an overlapping claim aborts the whole batch it is part of. Claims are at
-- most one day long (CHECK), so looking back one day from the new start finds every overlap
-- through host_claims_host_start_idx.
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
--> statement-breakpoint
-- Claims are inserted or deleted, never moved: an update could slip past the overlap check.
CREATE TRIGGER `host_claims_immutable` BEFORE UPDATE ON `host_claims`
BEGIN
  SELECT RAISE(ABORT, 'host_claims are immutable');
END;
--> statement-breakpoint
-- Bookings only leave `confirmed`, never come back or change twice: a reschedule or cancel
-- racing another one aborts its whole batch (emails included) instead of writing half of it.
CREATE TRIGGER `bookings_status_transitions` BEFORE UPDATE OF `status` ON `bookings`
WHEN OLD.`status` <> 'confirmed'
BEGIN
  SELECT RAISE(ABORT, 'invalid_state');
END;
