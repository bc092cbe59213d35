CREATE TABLE `traffic_schedules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`pair` text NOT NULL,
	`from_probe_id` integer NOT NULL,
	`to_probe_id` integer,
	`to_address` text,
	`port` integer NOT NULL,
	`protocol` text NOT NULL,
	`duration_seconds` integer NOT NULL,
	`bandwidth_bps` integer,
	`parallel` integer DEFAULT 1 NOT NULL,
	`reverse` integer DEFAULT false NOT NULL,
	`every_hours` integer NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`starts_at` integer NOT NULL,
	`next_run_at` integer NOT NULL,
	`last_run_at` integer,
	`last_test_id` text,
	`last_code` text,
	`last_error` text,
	`created_by` integer,
	`created_by_name` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`from_probe_id`) REFERENCES `probes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`to_probe_id`) REFERENCES `probes`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `traffic_schedules_pair_idx` ON `traffic_schedules` (`pair`,`protocol`,`reverse`);--> statement-breakpoint
CREATE INDEX `traffic_schedules_due_idx` ON `traffic_schedules` (`enabled`,`next_run_at`);