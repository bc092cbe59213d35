CREATE TABLE `host_devices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`host_id` integer NOT NULL,
	`mac` text NOT NULL,
	`vendor` text,
	`mac_random` integer DEFAULT false NOT NULL,
	`hostname` text,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	FOREIGN KEY (`host_id`) REFERENCES `hosts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `host_devices_host_mac_uq` ON `host_devices` (`host_id`,`mac`);--> statement-breakpoint
CREATE INDEX `host_devices_mac_idx` ON `host_devices` (`mac`);--> statement-breakpoint
CREATE INDEX `host_devices_first_seen_idx` ON `host_devices` (`first_seen_at`);--> statement-breakpoint
CREATE TABLE `host_traces` (
	`host_id` integer PRIMARY KEY NOT NULL,
	`probe_id` integer,
	`job_id` text NOT NULL,
	`at` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`reached` integer NOT NULL,
	`hops` text NOT NULL,
	FOREIGN KEY (`host_id`) REFERENCES `hosts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `hosts` ADD `ptr_name` text;--> statement-breakpoint
ALTER TABLE `hosts` ADD `ptr_checked_at` integer;--> statement-breakpoint
ALTER TABLE `hosts` ADD `ptr_forward` text;--> statement-breakpoint
ALTER TABLE `hosts` ADD `mac` text;--> statement-breakpoint
ALTER TABLE `hosts` ADD `vendor` text;--> statement-breakpoint
ALTER TABLE `hosts` ADD `mac_random` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `hosts_mac_idx` ON `hosts` (`mac`);--> statement-breakpoint
ALTER TABLE `subnets` ADD `last_sweep_at` integer;--> statement-breakpoint
ALTER TABLE `subnets` ADD `previous_sweep_at` integer;--> statement-breakpoint
ALTER TABLE `subnets` ADD `ptr_lookup_enabled` integer;--> statement-breakpoint
ALTER TABLE `probes` ADD `network` text;--> statement-breakpoint
ALTER TABLE `jobs` ADD `host_id` integer REFERENCES hosts(id) ON DELETE cascade;--> statement-breakpoint
CREATE INDEX `jobs_host_idx` ON `jobs` (`host_id`,`requested_at`);