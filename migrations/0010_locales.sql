-- Languages (SPEC 10): a host's emails follow their own locale; a booker's follow the locale
-- their booking was made in. Existing rows speak English, as they did before.
ALTER TABLE `users` ADD `locale` text DEFAULT 'en' NOT NULL;
--> statement-breakpoint
ALTER TABLE `bookings` ADD `booker_locale` text DEFAULT 'en' NOT NULL;
--> statement-breakpoint
ALTER TABLE `booking_attendees` ADD `locale` text DEFAULT 'en' NOT NULL;
