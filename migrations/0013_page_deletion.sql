-- Deleting a scheduling page takes it out of every list and API answer (its bookings keep
-- pointing at it, so the row stays): deleted_at marks it, and it is inactive as well.
ALTER TABLE `scheduling_pages` ADD `deleted_at` integer;
